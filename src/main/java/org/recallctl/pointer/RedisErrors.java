package org.recallctl.pointer;

import java.util.Optional;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.DependencyException;
import org.recallctl.error.NetworkCause;
import org.recallctl.error.RecallctlException;
import org.recallctl.tls.TlsProblem;

/**
 * Turns what jedis throws into one {@link DependencyException} line that names the endpoint and what to check:
 * a certificate problem, refused credentials (the data nodes' or the sentinels'), a master name the sentinels do
 * not know, or plain unreachability.
 */
final class RedisErrors {
    private RedisErrors() {
    }

    static RecallctlException translate(RuntimeException e, String endpoint, String what, RecallConfig.Redis r) {
        if (e instanceof RecallctlException re) {
            return re;
        }
        String m = message(e);
        Optional<String> tls = TlsProblem.of(e, r.mutualTls());
        if (tls.isPresent()) {
            return tlsProblem(tls.get(), endpoint, what, r, e);
        }
        Optional<Throwable> refused = find(e, "WRONGPASS", "NOAUTH", "invalid password", "invalid username-password");
        if (refused.isPresent()) {
            boolean sentinel = r.mode() == RecallConfig.RedisMode.SENTINEL && fromSentinel(e, refused.get());
            return new DependencyException("redis", (sentinel ? "Redis Sentinel at " : "Redis at ") + endpoint
                    + " refused authentication (" + what + "): " + oneLine(refused.get().getMessage())
                    + (sentinel ? "; check redis.sentinel_user / RECALLCTL_REDIS_SENTINEL_PASSWORD (the sentinels' own password)"
                            : "; check redis.user / RECALLCTL_REDIS_PASSWORD"), e);
        }
        if (m.contains("seems to be not monitored")) {
            return new DependencyException("redis", "Redis Sentinel at " + endpoint + ": the sentinels answer but "
                    + "monitor no master named '" + r.masterName() + "' (" + what + "); check redis.master_name", e);
        }
        if (m.contains("All sentinels down")) {
            return new DependencyException("redis", "Redis Sentinel unreachable at " + endpoint + " (" + what
                    + "): no sentinel answered" + (e.getSuppressed().length > 0 ? " (" + message(e.getSuppressed()[0]) + ")"
                    : "") + "; check redis.sentinels", e);
        }
        if (r.mutualTls()) {
            // a refused client certificate reaches jedis as "broken pipe" (it writes before it reads the alert)
            Optional<String> handshake = RedisConnector.probeTls(r);
            if (handshake.isPresent()) {
                return tlsProblem(handshake.get(), endpoint, what, r, e);
            }
        }
        // jedis says "Failed to connect to 127.0.0.1:9." and keeps why (often as a suppressed exception)
        String reason = NetworkCause.of(e);
        return new DependencyException("redis", "Redis unreachable at " + endpoint + " (" + what + "): "
                + (reason != null ? reason : m) + "; is it up? check " + addressKey(r), e);
    }

    private static DependencyException tlsProblem(String problem, String endpoint, String what, RecallConfig.Redis r,
                                                  RuntimeException e) {
        return new DependencyException("redis", "Redis at " + endpoint + ": TLS certificate problem (" + what + "): "
                + problem + "; " + TlsProblem.hint(problem, "redis", r.caFile(), r.clientCertFile(), "tls-ca-cert-file",
                addressKey(r)), e);
    }

    private static String addressKey(RecallConfig.Redis r) {
        return switch (r.mode()) {
            case STANDALONE -> "redis.url";
            case SENTINEL -> "redis.sentinels (and the addresses they announce)";
            case CLUSTER -> "redis.nodes (and the addresses the nodes announce)";
        };
    }

    /** The sentinel probe's failure is attached as suppressed; a data-node refusal comes as the cause chain. */
    private static boolean fromSentinel(Throwable top, Throwable refused) {
        for (Throwable s : top.getSuppressed()) {
            if (TlsProblem.chain(s).contains(refused)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Throwable> find(Throwable t, String... needles) {
        for (Throwable c : TlsProblem.chain(t)) {
            String m = String.valueOf(c.getMessage());
            for (String n : needles) {
                if (c.getMessage() != null && m.contains(n)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) {
            m += ": " + c.getMessage();
        }
        return oneLine(m);
    }

    private static String oneLine(String m) {
        return m == null ? "" : m.replaceAll("\\s+", " ").trim();
    }
}
