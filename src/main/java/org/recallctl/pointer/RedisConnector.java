package org.recallctl.pointer;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.recallctl.config.HostPort;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Secret;
import org.recallctl.error.ConfigException;
import org.recallctl.tls.PemIdentity;
import org.recallctl.tls.PemTrust;
import org.recallctl.tls.TlsProbe;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.SentineledConnectionProvider;

/**
 * Builds the jedis client for the configured topology. jedis's standalone, Sentinel and Cluster clients are all
 * {@link UnifiedJedis}, so the pointer store stays one class whatever the topology: commands, Lua scripts
 * (routed by their first key on a cluster, where all of a pipeline's keys share one slot) and errors are the same.
 */
final class RedisConnector {
    private RedisConnector() {
    }

    /** The endpoint as messages name it, without credentials. */
    static String describe(RecallConfig.Redis r) {
        String tls = r.tls() ? " over TLS" : "";
        return switch (r.mode()) {
            case STANDALONE -> {
                URI uri = URI.create(r.url());
                yield uri.getScheme() + "://" + uri.getHost() + ":" + port(uri)
                        + ("redis".equals(uri.getScheme()) && r.tls() ? " over TLS" : "");
            }
            case SENTINEL -> "sentinel master '" + r.masterName() + "' via " + join(r.sentinels()) + tls;
            case CLUSTER -> "cluster " + join(r.nodes()) + tls;
        };
    }

    static UnifiedJedis open(RecallConfig.Redis r) {
        SSLContext tls = tlsContext(r);
        return switch (r.mode()) {
            case STANDALONE -> standalone(r, tls);
            case SENTINEL -> sentinel(r, tls);
            case CLUSTER -> cluster(r, tls);
        };
    }

    /**
     * The TLS context every connection uses: trust = redis.ca_file (else the JVM's trust store), presenting
     * redis.client_cert_file when set (mutual TLS); null = jedis's default (the JVM's trust store, no certificate).
     */
    private static SSLContext tlsContext(RecallConfig.Redis r) {
        if (!r.tls()) {
            return null;
        }
        PemIdentity identity = r.mutualTls() ? PemIdentity.load(r.clientCertFile(), r.clientKeyFile(),
                "redis.client_cert_file", "redis.client_key_file") : null;
        if (!r.caFile().isEmpty()) {
            return PemTrust.load(r.caFile(), "redis.ca_file").sslContext(identity);
        }
        return identity == null ? null : identity.sslContextWithJvmTrust();
    }

    /**
     * What the TLS handshake with the standalone server says (its certificate, or ours refused), for a connection
     * that failed without naming a TLS problem; empty for sentinel and cluster (which node failed is not known).
     */
    static Optional<String> probeTls(RecallConfig.Redis r) {
        if (!r.tls() || r.mode() != RecallConfig.RedisMode.STANDALONE) {
            return Optional.empty();
        }
        SSLContext ctx = tlsContext(r);
        try {
            ctx = ctx != null ? ctx : SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            return Optional.empty();
        }
        URI uri = URI.create(r.url());
        // Redis sends nothing after a good handshake: the read waits for a refusal at most a second or two
        return TlsProbe.problem(ctx, uri.getHost(), port(uri), Math.min(2000, Math.max(500, r.timeoutMs())),
                PemTrust.verifyingHostName(), r.mutualTls());
    }

    private static UnifiedJedis standalone(RecallConfig.Redis r, SSLContext trust) {
        URI uri = URI.create(r.url());
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ConfigException("redis.url: '" + path.substring(1) + "' is not a database number");
            }
        }
        return RedisClient.builder().hostAndPort(new HostAndPort(uri.getHost(), port(uri)))
                .clientConfig(clientConfig(r, r.user(), r.password(), database, trust).build()).build();
    }

    /**
     * The sentinels tell where the master is and announce a failover ({@code +switch-master}); jedis then moves
     * its pool. A command that meets the demoted master (READONLY) or no master at all is retried until
     * {@code redis.failover_wait_ms} ({@link FailoverRetryExecutor}); pooled connections are tested before use
     * because Sentinel kills the clients of both nodes when it reconfigures them.
     */
    private static UnifiedJedis sentinel(RecallConfig.Redis r, SSLContext trust) {
        JedisClientConfig master = clientConfig(r, r.user(), r.password(), 0, trust).build();
        // sentinels speak the server's default protocol (jedis's sentinel connections do not negotiate RESP3)
        JedisClientConfig sentinel = clientConfig(r, r.sentinelUser(), r.sentinelPassword(), 0, trust)
                .serverDefaultProtocol().build();
        Set<HostAndPort> sentinels = hostAndPorts(r.sentinels());
        SentineledConnectionProvider provider;
        try {
            provider = new SentineledConnectionProvider(r.masterName(), master, pool(), sentinels, sentinel);
        } catch (JedisException e) {
            // jedis only logs why each sentinel failed; ask the first one again so the error can say why
            probeSentinel(r, sentinels, sentinel).ifPresent(e::addSuppressed);
            throw e;
        }
        return RedisSentinelClient.builder().masterName(r.masterName()).sentinels(sentinels).clientConfig(master)
                .connectionProvider(provider).commandExecutor(new FailoverRetryExecutor(provider, r.failoverWaitMs()))
                .build();
    }

    private static java.util.Optional<Throwable> probeSentinel(RecallConfig.Redis r, Set<HostAndPort> sentinels,
                                                               JedisClientConfig config) {
        for (HostAndPort s : sentinels) {
            try (Jedis j = new Jedis(s, config)) {
                j.sentinelGetMasterAddrByName(r.masterName());
            } catch (RuntimeException e) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * jedis's cluster executor follows MOVED/ASK redirections (a planned CLUSTER FAILOVER) and retries a broken
     * connection a few times within two socket timeouts; the waiting for a slot whose master died to get a new
     * one is {@link FailoverClusterProvider}'s alone (jedis's own backoff is random), up to redis.failover_wait_ms.
     */
    private static UnifiedJedis cluster(RecallConfig.Redis r, SSLContext trust) {
        Set<HostAndPort> nodes = hostAndPorts(r.nodes());
        JedisClientConfig config = clientConfig(r, r.user(), r.password(), 0, trust).build();
        FailoverClusterProvider provider = new FailoverClusterProvider(nodes, config, pool(), r.failoverWaitMs());
        return RedisClusterClient.builder().nodes(nodes).clientConfig(config).connectionProvider(provider)
                .maxAttempts(5).maxTotalRetriesDuration(Duration.ofMillis(2L * r.timeoutMs()))
                .build();
    }

    private static DefaultJedisClientConfig.Builder clientConfig(RecallConfig.Redis r, String user, Secret password,
                                                                 int database, SSLContext trust) {
        var cc = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(r.timeoutMs()).socketTimeoutMillis(r.timeoutMs()).clientName("recallctl")
                .database(database);
        if (!user.isEmpty()) {
            cc.user(user);
        }
        if (password.isSet()) {
            cc.password(password.reveal());
        }
        if (r.tls()) {
            // host-name verification explicitly on: a certificate for another name must fail the handshake
            cc.ssl(true).sslParameters(PemTrust.verifyingHostName());
            if (trust != null) {
                cc.sslSocketFactory(trust.getSocketFactory());
            }
        }
        return cc;
    }

    /** Few connections (one command at a time plus the lock renewer), each checked with PING before use. */
    private static ConnectionPoolConfig pool() {
        ConnectionPoolConfig p = new ConnectionPoolConfig();
        p.setMaxTotal(8);
        p.setMaxIdle(4);
        p.setMinIdle(0);
        p.setTestOnBorrow(true);
        return p;
    }

    private static Set<HostAndPort> hostAndPorts(List<HostPort> list) {
        Set<HostAndPort> out = new LinkedHashSet<>();
        list.forEach(h -> out.add(new HostAndPort(h.host(), h.port())));
        return out;
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 6379 : uri.getPort();
    }

    private static String join(List<HostPort> list) {
        return list.stream().map(HostPort::toString).collect(Collectors.joining(","));
    }
}
