package org.recallctl.error;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The network reason at the bottom of a driver's exception chain, in words an operator acts on ("connection
 * refused", "host not found: db.internal"), for the one-line error; the chain itself stays the cause, which
 * {@code --verbose} prints. Shared by the MySQL, Redis and Milvus adapters so they say the same thing alike.
 */
public final class NetworkCause {
    private NetworkCause() {
    }

    /** The reason, or null when the chain (causes and suppressed ones: Jedis keeps them there) names none. */
    public static String of(Throwable t) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.add(t);
        while (!todo.isEmpty() && seen.size() < 50) {
            Throwable c = todo.poll();
            if (c == null || !seen.add(c)) {
                continue;
            }
            String reason = reason(c);
            if (reason != null) {
                return reason;
            }
            if (c.getCause() != null) {
                todo.add(c.getCause());
            }
            todo.addAll(java.util.List.of(c.getSuppressed()));
        }
        return null;
    }

    private static String reason(Throwable c) {
        String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
        if (c instanceof UnknownHostException) {
            return "host not found" + (c.getMessage() == null ? "" : ": " + c.getMessage());
        }
        if (c instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (c instanceof ConnectException || m.contains("connection refused")) {
            return m.contains("timed out") ? "no answer to the connection attempt" : "connection refused";
        }
        if (c instanceof SocketTimeoutException || m.contains("read timed out") || m.contains("connect timed out")) {
            return "no answer in time";
        }
        if (m.contains("connection reset") || m.contains("broken pipe")) {
            return "the connection was closed";
        }
        return null;
    }
}
