package org.recallctl.milvus;

/** Index and search parameters arrive as text (config, flags); Milvus wants numbers where they are numbers. */
public final class ParamValues {
    private ParamValues() {
    }

    /** "16" becomes 16, "0.5" becomes 0.5, anything else stays text. */
    public static Object typed(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e2) {
                return v;
            }
        }
    }
}
