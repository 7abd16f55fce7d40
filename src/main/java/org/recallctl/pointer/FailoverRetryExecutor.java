package org.recallctl.pointer;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.IOUtils;

/**
 * Runs a command on the Sentinel-discovered master and, while a failover is under way, retries it, but only when
 * it certainly did not run: no connection could be had (the master is down, nobody promoted yet), or the server
 * refused it unexecuted (READONLY from the demoted master before jedis has moved its pool, LOADING, MASTERDOWN).
 * A connection that breaks after the command was sent is not retried: the script may have run (a switch), and
 * running it twice would report a lost compare-and-set; that case fails as "Redis unreachable".
 */
final class FailoverRetryExecutor implements CommandExecutor {
    private final ConnectionProvider provider;
    private final long waitMs;

    FailoverRetryExecutor(ConnectionProvider provider, long waitMs) {
        this.provider = provider;
        this.waitMs = waitMs;
    }

    /** Marks a failure before anything was sent. */
    private static final class NotSent extends RuntimeException {
        NotSent(JedisException cause) {
            super(cause);
        }
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        try {
            return FailoverWait.retry(waitMs, () -> {
                Connection connection;
                try {
                    connection = provider.getConnection(command.getArguments());
                } catch (JedisDataException refused) {
                    throw refused; // a refused AUTH is a wrong password, not a failover
                } catch (JedisException e) {
                    throw new NotSent(e);
                }
                try (connection) {
                    return connection.executeCommand(command);
                }
            }, e -> e instanceof NotSent || e instanceof JedisDataException d && notExecuted(d), () -> { });
        } catch (NotSent e) {
            throw (JedisException) e.getCause();
        }
    }

    /** Error replies Redis sends instead of running the command, during and right after a failover. */
    static boolean notExecuted(JedisDataException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.startsWith("READONLY") || m.startsWith("LOADING") || m.startsWith("MASTERDOWN")
                || m.startsWith("TRYAGAIN");
    }

    @Override
    public void close() {
        IOUtils.closeQuietly(provider);
    }
}
