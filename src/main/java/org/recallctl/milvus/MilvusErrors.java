package org.recallctl.milvus;

import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;

/**
 * Maps everything the SDK throws (its own exceptions and the raw, shaded gRPC ones it lets through) to one
 * {@link DependencyException} with a line an operator can act on.
 */
final class MilvusErrors {
    private MilvusErrors() {
    }

    static RecallctlException translate(Throwable t, String uri, String what) {
        if (t instanceof RecallctlException re) {
            return re;
        }
        String detail = rootMessage(t);
        if (isUnreachable(t)) {
            return new DependencyException("milvus", "Milvus unreachable at " + uri + " (" + what + "): " + detail
                    + "; is the server up? check milvus.write_uri / milvus.read_uri", t);
        }
        if (t instanceof MilvusClientException mce && mce.getErrorCode() == ErrorCode.COLLECTION_NOT_FOUND) {
            return new DependencyException("milvus", "Milvus at " + uri + ": " + what + ": collection not found ("
                    + detail + ")", t);
        }
        return new DependencyException("milvus", "Milvus at " + uri + " failed to " + what + ": " + detail, t);
    }

    static boolean isUnreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("UNAVAILABLE") || m.contains("DEADLINE_EXCEEDED") || m.contains("waiting_for_connection")
                    || m.contains("Connection refused") || c instanceof java.net.ConnectException
                    // a server killed while the channel was open: gRPC reports UNKNOWN "channel closed"
                    || m.contains("channel closed") || c instanceof java.nio.channels.ClosedChannelException
                    || c.getClass().getSimpleName().contains("ClosedChannelException")) {
                return true;
            }
            if (c instanceof MilvusClientException mce && mce.getErrorCode() == ErrorCode.TIMEOUT) {
                return true;
            }
        }
        return false;
    }

    /**
     * "No such alias/collection" as the servers word it: milvus-lite 3.2 "alias 'x' does not exist" (code 100),
     * Milvus 2.3 "alias not found" / "... not exist". Never an auth, permission or transport failure.
     */
    static boolean isNotFound(Throwable t) {
        if (isUnreachable(t)) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("permission") || m.contains("unauthenticated") || m.contains("auth")
                    || m.contains("privilege") || m.contains("denied")) {
                return false;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("does not exist") || m.contains("not exist") || m.contains("not found")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        String top = t.getMessage();
        if (top != null && !top.equals(m) && !top.contains(m)) {
            m = top + " / " + m;
        } else if (top != null && top.contains(m)) {
            m = top;
        }
        return m.replaceAll("\\s+", " ").trim();
    }
}
