package org.recallctl.config;

/**
 * Redis Cluster's hash tag rule: when a key contains {@code {...}} with at least one character between the first
 * '{' and the next '}', only that part is hashed, so keys with the same tag share a slot. A script may only touch
 * keys of one slot on a cluster.
 */
public final class HashTag {
    private HashTag() {
    }

    /** The part of {@code key} that Redis Cluster hashes. */
    public static String of(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return key.substring(open + 1, close);
            }
        }
        return key;
    }

    /** {@code key} rewritten to carry {@code {tag}}: an existing tag is replaced, else it goes before the last segment. */
    public static String suggest(String key, String tag) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        if (close > open + 1) {
            return key.substring(0, open) + "{" + tag + "}" + key.substring(close + 1);
        }
        int colon = key.lastIndexOf(':');
        return colon < 0 ? "{" + tag + "}:" + key : key.substring(0, colon + 1) + "{" + tag + "}" + key.substring(colon);
    }
}
