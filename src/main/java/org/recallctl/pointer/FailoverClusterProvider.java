package org.recallctl.pointer;

import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * jedis's cluster provider, made to wait out a failover: when the node that owns a slot cannot be reached (it
 * died, its replica is not promoted yet), it refreshes the slot map and tries again until
 * {@code redis.failover_wait_ms}, instead of letting jedis spend its few attempts in milliseconds. Nothing has
 * been sent when a connection cannot be had, so waiting is safe for every command. (MOVED and ASK after a
 * planned CLUSTER FAILOVER are followed by jedis's cluster executor itself.)
 */
final class FailoverClusterProvider extends ClusterConnectionProvider {
    private final long waitMs;

    FailoverClusterProvider(Set<HostAndPort> nodes, JedisClientConfig config, GenericObjectPoolConfig<Connection> pool,
                            long waitMs) {
        super(nodes, config, pool);
        this.waitMs = waitMs;
    }

    @Override
    public Connection getConnection(CommandArguments args) {
        return FailoverWait.retry(waitMs, () -> super.getConnection(args), FailoverClusterProvider::unreachable, () -> {
            try {
                renewSlotCache();
            } catch (JedisException stillDown) {
                // no node answered yet; the next attempt tries again
            }
        });
    }

    /** A refused AUTH is a wrong password, not a failover: not retried. */
    private static boolean unreachable(RuntimeException e) {
        return e instanceof JedisException && !(e instanceof JedisDataException);
    }
}
