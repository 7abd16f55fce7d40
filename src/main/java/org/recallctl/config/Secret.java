package org.recallctl.config;

/** A secret value that cannot leak through toString, string concatenation or a record's printout. */
public final class Secret {
    public static final Secret NONE = new Secret("");
    private final String value;

    public Secret(String value) {
        this.value = value == null ? "" : value;
    }

    public String reveal() {
        return value;
    }

    public boolean isSet() {
        return !value.isEmpty();
    }

    @Override
    public String toString() {
        return isSet() ? "****" : "";
    }
}
