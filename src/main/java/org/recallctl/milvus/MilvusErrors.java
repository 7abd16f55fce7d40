package org.recallctl.milvus;

import io.milvus.shaded.io.grpc.Status;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;

/**
 * Maps everything the SDK throws (its own exceptions and the raw, shaded gRPC ones it lets through) to one
 * {@link DependencyException} with a line an operator can act on: which server, what we were doing, what happened
 * in words ("no answer within 2.0 s", "connection refused"), and what to check. gRPC's own text
 * ({@code DEADLINE_EXCEEDED: deadline exceeded after 1.994124276s. Name resolution delay ... [closed=[], open=[[
 * wait_for_ready, ...}) and the SDK's retry bookkeeping stay in the cause, which {@code --verbose} prints.
 */
final class MilvusErrors {
    /** "CODE: description" as gRPC's StatusRuntimeException and the SDK's retry messages spell a status. */
    private static final Pattern STATUS_TEXT = Pattern.compile(
            "\\b(DEADLINE_EXCEEDED|UNAVAILABLE|CANCELLED|RESOURCE_EXHAUSTED|UNAUTHENTICATED|PERMISSION_DENIED|"
                    + "INTERNAL|UNKNOWN|UNIMPLEMENTED|INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|FAILED_PRECONDITION|"
                    + "ABORTED|OUT_OF_RANGE|DATA_LOSS)\\b(?::\\s*(.*))?");
    private static final Pattern WAITED = Pattern.compile("deadline exceeded after (-?[0-9.]+)s");
    /** Milvus 2.3's privilege interceptor: "PrivilegeCreateCollection: permission deny to recallctl_reader". */
    private static final Pattern PRIVILEGE = Pattern.compile("Privilege([A-Za-z]+): permission deny to ([A-Za-z0-9_]+)");
    private static final Pattern RETRIES = Pattern.compile("Retry timeout: (\\d+)ms, maxRetry:(\\d+), retries: (\\d+)");

    private MilvusErrors() {
    }

    /**
     * @param deadlineMs     the deadline the call had (connect timeout, RPC or search deadline), for "no answer
     *                       within N s"; 0 when unknown (then the time gRPC reports is used)
     * @param tokenSettings  where the token this connection sent comes from, for a refused token (e.g.
     *                       "milvus.token / RECALLCTL_MILVUS_TOKEN / milvus.token_file")
     */
    static RecallctlException translate(Throwable t, String uri, String what, long deadlineMs, String tokenSettings) {
        if (t instanceof RecallctlException re) {
            return re;
        }
        if (isUnreachable(t)) {
            return new DependencyException("milvus", "Milvus unreachable at " + uri + " (" + what + "): "
                    + unreachableReason(t, deadlineMs) + "; is it up? check milvus.write_uri / milvus.read_uri", t);
        }
        String detail = plain(t);
        String all = chainText(t);
        if (isUnauthenticated(all)) {
            return new DependencyException("milvus", "Milvus refused the token at " + uri + " (" + what + "): "
                    + serverReason(all, "UNAUTHENTICATED") + "; check " + tokenSettings + " (user:password)", t);
        }
        Matcher denied = PRIVILEGE.matcher(all);
        if (denied.find()) {
            return new DependencyException("milvus", "Milvus at " + uri + " refused to " + what + ": user "
                    + denied.group(2) + " lacks the privilege " + denied.group(1) + " (PERMISSION_DENIED); grant it to "
                    + "the user's role or use a token with the write role (README \"Authenticated Milvus\")", t);
        }
        if (isPermissionDenied(t)) {
            return new DependencyException("milvus", "Milvus at " + uri + " refused to " + what + " (PERMISSION_DENIED): "
                    + serverReason(all, "PERMISSION_DENIED") + "; check the token's privileges (README \"Authenticated Milvus\")", t);
        }
        if (t instanceof MilvusClientException mce && mce.getErrorCode() == ErrorCode.COLLECTION_NOT_FOUND) {
            return new DependencyException("milvus", "Milvus at " + uri + ": " + what + ": collection not found ("
                    + detail + ")", t);
        }
        return new DependencyException("milvus", "Milvus at " + uri + " failed to " + what + ": " + detail, t);
    }

    /** A server that requires a token and got none or a wrong one (Milvus 2.3: gRPC UNAUTHENTICATED). */
    static boolean isUnauthenticated(Throwable t) {
        return isUnauthenticated(chainText(t));
    }

    /** "CODE: " and phrases with spaces, which no collection or alias name (letters, digits, _) can contain. */
    private static boolean isUnauthenticated(String all) {
        return all.contains("UNAUTHENTICATED: ") || all.contains("auth check failure")
                || all.contains("missing authorization");
    }

    /** A call the token's user may not make (gRPC PERMISSION_DENIED; Milvus 2.3: "... permission deny to user"). */
    static boolean isPermissionDenied(Throwable t) {
        String all = chainText(t);
        return all.contains("PERMISSION_DENIED: ") || all.contains("permission deny to ")
                || all.contains("permission denied");
    }

    /** The server's words after "CODE: ", without gRPC's state dumps. */
    private static String serverReason(String all, String code) {
        int i = all.indexOf(code + ": ");
        String s = i < 0 ? all : all.substring(i + code.length() + 2);
        int bar = s.indexOf(" | ");
        return firstClause(bar < 0 ? s : s.substring(0, bar));
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
        // an auth or permission refusal is never "not found" (issue 10 §3). Matched on the status and on phrases
        // with spaces only: a name in the message ("alias not found[alias=auth_x_serving]") must not count
        if (isUnreachable(t) || isUnauthenticated(t) || isPermissionDenied(t)) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("does not exist") || m.contains("not exist") || m.contains("not found")) {
                return true;
            }
        }
        return false;
    }

    /** What happened, in words, for a server that did not answer; with the SDK's retries when it retried. */
    static String unreachableReason(Throwable t, long deadlineMs) {
        String all = chainText(t);
        String code = null;
        String description = "";
        Status status = Status.fromThrowable(t);
        if (status.getCode() != Status.Code.UNKNOWN || status.getDescription() != null) {
            code = status.getCode().name();
            description = status.getDescription() == null ? "" : status.getDescription();
        }
        Matcher m = STATUS_TEXT.matcher(all);
        if ((code == null || "UNKNOWN".equals(code)) && m.find()) {
            code = m.group(1);
            description = m.group(2) == null ? "" : m.group(2);
        }
        String lower = (description + " " + all).toLowerCase(Locale.ROOT);
        String reason;
        if ("DEADLINE_EXCEEDED".equals(code) || lower.contains("waiting_for_connection")) {
            reason = "no answer within " + seconds(deadlineMs, all);
        } else if (lower.contains("connection refused")) {
            reason = "connection refused";
        } else if (lower.contains("keepalive failed")) {
            reason = "the connection stopped answering (keepalive failed)";
        } else if (lower.contains("channel closed") || lower.contains("network closed") || lower.contains("closedchannel")
                || lower.contains("connection reset") || lower.contains("io exception")) {
            reason = "the connection was closed";
        } else if (code != null) {
            reason = code.toLowerCase(Locale.ROOT).replace('_', ' ') + (description.isBlank() ? "" : ": " + firstClause(description));
        } else {
            reason = firstClause(plain(t));
        }
        Matcher r = RETRIES.matcher(all);
        if (r.find()) {
            int retries = Integer.parseInt(r.group(3));
            reason += ", gave up after " + retries + (retries == 1 ? " retry" : " retries") + " in "
                    + String.format(Locale.ROOT, "%.1f s", Long.parseLong(r.group(1)) / 1000.0);
        }
        return reason;
    }

    private static String seconds(long deadlineMs, String text) {
        if (deadlineMs > 0) {
            return String.format(Locale.ROOT, "%.1f s", deadlineMs / 1000.0);
        }
        Matcher w = WAITED.matcher(text);
        if (w.find()) {
            return String.format(Locale.ROOT, "%.1f s", Math.max(0, Double.parseDouble(w.group(1))));
        }
        return "the deadline";
    }

    /** gRPC descriptions carry "[closed=[], open=[[...]]]" state dumps and timing trivia after the first clause. */
    private static String firstClause(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        int cut = one.length();
        for (String stop : new String[] {" [", ". ", "; "}) {
            int i = one.indexOf(stop);
            if (i > 0 && i < cut) {
                cut = i;
            }
        }
        one = one.substring(0, cut);
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }

    private static String chainText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 4000; c = c.getCause() == c ? null : c.getCause()) {
            sb.append(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    /** A server's answer (not an outage): its message, once, on one line, without gRPC's state dumps. */
    private static String plain(Throwable t) {
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
        m = m.replaceAll("\\s+", " ").trim();
        int dump = m.indexOf(" [closed=");
        return dump > 0 ? m.substring(0, dump) : m;
    }
}
