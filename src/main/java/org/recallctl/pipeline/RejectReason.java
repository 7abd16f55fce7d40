package org.recallctl.pipeline;

import java.util.Locale;

/**
 * Why a source row was not written. A new reason is one constant here: the ledger counts every constant, and the
 * report and the tolerance message list them by {@link #key()}.
 */
public enum RejectReason {
    WRONG_DIMENSION("wrong_dimension", "wrong dimension"),
    NAN_OR_INF("nan_or_inf", "nan or infinity"),
    ZERO_NORM("zero_norm", "zero-norm"),
    DUPLICATE_ID("duplicate_id", "duplicate id"),
    NULL_VECTOR("null_vector", "null vector"),
    BAD_SCALAR("bad_scalar", "bad scalar"),
    /** The id column is NULL: no primary key, no partition (such rows are counted, not streamed). */
    NULL_ID("null_id", "null id"),
    /** The id does not fit Milvus's int64 primary key (BIGINT UNSIGNED above 2^63-1). */
    ID_RANGE("id_range", "id out of range"),
    /** Anything else the codec could not read (a catch-all, so it matches no prefix). */
    MALFORMED("malformed", null);

    private final String key;
    private final String messagePrefix;

    RejectReason(String key, String messagePrefix) {
        this.key = key;
        this.messagePrefix = messagePrefix;
    }

    /** The short name in reports and JSON (rejected_by_reason). */
    public String key() {
        return key;
    }

    /** The reason a rejection message names (the validator's messages start with the reason's words). */
    public static RejectReason of(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        for (RejectReason r : values()) {
            if (r.messagePrefix != null && m.startsWith(r.messagePrefix)) {
                return r;
            }
        }
        return MALFORMED;
    }
}
