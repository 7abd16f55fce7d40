package org.recallctl.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The stack's Sentinel or Cluster setup as a test drives it from outside recallctl: read a key where it really
 * lives (the current master; the slot's owner), and fail the master over the way an operator does
 * ({@code SENTINEL FAILOVER}; {@code CLUSTER FAILOVER} on the replica), waiting until the new layout is settled.
 */
public abstract class RedisTopology {
    protected final TestStack stack;
    protected final JedisClientConfig data;

    private RedisTopology(TestStack stack) {
        this.stack = stack;
        this.data = DefaultJedisClientConfig.builder().password(stack.redisTopologyPassword()).timeoutMillis(3000).build();
    }

    /** Starts the topology if needed (bin/stack start) and returns a handle on it. */
    public static RedisTopology start(String name) {
        TestStack stack = TestStack.with(name);
        return switch (name) {
            case "sentinel" -> new Sentinel(stack);
            case "cluster" -> new Cluster(stack);
            default -> throw new IllegalArgumentException(name);
        };
    }

    public TestStack stack() {
        return stack;
    }

    /** Config overrides that point recallctl at this topology. */
    public abstract Map<String, String> settings();

    /** The value of {@code key} read straight from the node that owns it now. */
    public abstract Optional<String> rawGet(String key);

    /** A unique pipeline name whose keys live where {@link #failover} moves the master. */
    public String pipelineName(String prefix) {
        return TestStack.unique(prefix);
    }

    /** Fails the master (of {@code pipeline}'s slot) over to its replica and waits until the new master serves. */
    public abstract void failover(String pipeline);

    /**
     * Stops the master (of {@code pipeline}'s slot) at once, like a crash (SHUTDOWN NOSAVE), and returns: the
     * sentinels or the cluster notice after their timeout (3 s in the stack) and promote the replica. The setup is
     * then one node short; the next {@link #start} rebuilds it.
     */
    public abstract void crashMaster(String pipeline);

    static void shutdown(HostAndPort node, JedisClientConfig config) {
        try (Jedis j = new Jedis(node, config)) {
            j.shutdown(redis.clients.jedis.params.ShutdownParams.shutdownParams().nosave());
        } catch (redis.clients.jedis.exceptions.JedisException gone) {
            // the server closes the connection as it exits
        }
    }

    static void await(String what, long seconds, BooleanSupplier done) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a node in the middle of changing its role
            }
            sleep(200);
        }
        throw new IllegalStateException("timed out after " + seconds + " s waiting until " + what);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<Integer> ports(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            out.add(Integer.parseInt(p.trim()));
        }
        return out;
    }

    static final class Sentinel extends RedisTopology {
        private final JedisClientConfig sentinel;
        private final String master;

        Sentinel(TestStack stack) {
            super(stack);
            this.sentinel = DefaultJedisClientConfig.builder().password(read(stack.get("SENTINEL_PASSWORD_FILE")))
                    .timeoutMillis(3000).build();
            this.master = stack.get("SENTINEL_MASTER_NAME");
        }

        private static String read(String file) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public Map<String, String> settings() {
            return stack.sentinelSettings();
        }

        private List<HostAndPort> sentinels() {
            return ports(stack.get("SENTINEL_PORTS")).stream().map(p -> new HostAndPort("127.0.0.1", p)).toList();
        }

        /** What every sentinel says the master is (they agree once a failover has finished). */
        private Set<HostAndPort> mastersSeen() {
            Set<HostAndPort> seen = new HashSet<>();
            for (HostAndPort s : sentinels()) {
                try (Jedis j = new Jedis(s, sentinel)) {
                    List<String> a = j.sentinelGetMasterAddrByName(master);
                    seen.add(new HostAndPort(a.get(0), Integer.parseInt(a.get(1))));
                }
            }
            return seen;
        }

        public HostAndPort currentMaster() {
            try (Jedis j = new Jedis(sentinels().get(0), sentinel)) {
                List<String> a = j.sentinelGetMasterAddrByName(master);
                return new HostAndPort(a.get(0), Integer.parseInt(a.get(1)));
            }
        }

        @Override
        public Optional<String> rawGet(String key) {
            try (Jedis j = new Jedis(currentMaster(), data)) {
                return Optional.ofNullable(j.get(key));
            }
        }

        @Override
        public void crashMaster(String pipeline) {
            shutdown(currentMaster(), data);
        }

        @Override
        public void failover(String pipeline) {
            HostAndPort before = currentMaster();
            // a sentinel refuses (NOGOODSLAVE) until it has fresh INFO from the replica: retry a few seconds
            await("a sentinel accepts SENTINEL FAILOVER", 60, () -> {
                try (Jedis j = new Jedis(sentinels().get(0), sentinel)) {
                    return "OK".equals(j.sentinelFailover(master));
                }
            });
            await("all sentinels name the new master", 60, () -> {
                Set<HostAndPort> seen = mastersSeen();
                return seen.size() == 1 && !seen.contains(before);
            });
            HostAndPort after = currentMaster();
            await("the new master serves writes and the old one replicates it", 60, () -> {
                try (Jedis m = new Jedis(after, data); Jedis old = new Jedis(before, data)) {
                    return m.info("replication").contains("role:master")
                            && old.info("replication").contains("master_link_status:up");
                }
            });
        }
    }

    static final class Cluster extends RedisTopology {
        Cluster(TestStack stack) {
            super(stack);
        }

        @Override
        public Map<String, String> settings() {
            return stack.clusterSettings();
        }

        private RedisClusterClient client() {
            Set<HostAndPort> nodes = new HashSet<>();
            ports(stack.get("CLUSTER_PORTS")).forEach(p -> nodes.add(new HostAndPort("127.0.0.1", p)));
            return RedisClusterClient.builder().nodes(nodes).clientConfig(data).build();
        }

        @Override
        public Optional<String> rawGet(String key) {
            try (RedisClusterClient c = client()) {
                return Optional.ofNullable(c.get(key));
            }
        }

        /** One line of CLUSTER NODES: id, address, flags, master id, slot ranges. */
        private record Node(String id, HostAndPort address, boolean master, String masterId, List<int[]> slots) {
            boolean owns(int slot) {
                return slots.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
            }
        }

        private List<Node> nodes() {
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", ports(stack.get("CLUSTER_PORTS")).get(0)), data)) {
                List<Node> out = new ArrayList<>();
                for (String line : j.clusterNodes().split("\n")) {
                    String[] f = line.trim().split(" ");
                    if (f.length < 8) {
                        continue;
                    }
                    String addr = f[1].split("@")[0];
                    int colon = addr.lastIndexOf(':');
                    List<int[]> slots = new ArrayList<>();
                    for (int i = 8; i < f.length; i++) {
                        if (f[i].startsWith("[")) {
                            continue; // a slot in migration
                        }
                        String[] r = f[i].split("-");
                        slots.add(new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])});
                    }
                    out.add(new Node(f[0], new HostAndPort(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))),
                            f[2].contains("master"), f[3], slots));
                }
                return out;
            }
        }

        private Optional<Node> replicaOf(int slot) {
            List<Node> all = nodes();
            Optional<Node> owner = all.stream().filter(n -> n.master() && n.owns(slot)).findFirst();
            return owner.flatMap(o -> all.stream().filter(n -> !n.master() && n.masterId().equals(o.id())).findFirst());
        }

        /** Pipeline names hash to any of the three shards; only one has a replica to fail over to. */
        @Override
        public String pipelineName(String prefix) {
            for (int i = 0; i < 200; i++) {
                String name = TestStack.unique(prefix);
                if (replicaOf(JedisClusterCRC16.getSlot("{" + name + "}")).isPresent()) {
                    return name;
                }
            }
            throw new IllegalStateException("no pipeline name hashed to the shard with a replica: " + nodes());
        }

        @Override
        public void crashMaster(String pipeline) {
            int slot = JedisClusterCRC16.getSlot("{" + pipeline + "}");
            Node owner = nodes().stream().filter(n -> n.master() && n.owns(slot)).findFirst().orElseThrow();
            shutdown(owner.address(), data);
        }

        @Override
        public void failover(String pipeline) {
            int slot = JedisClusterCRC16.getSlot("{" + pipeline + "}");
            Node replica = replicaOf(slot).orElseThrow(() -> new IllegalStateException("slot " + slot + " has no replica"));
            try (Jedis j = new Jedis(replica.address(), data)) {
                // coordinated: the master stops writes, the replica catches up and takes over
                if (!"OK".equals(j.clusterFailover())) {
                    throw new IllegalStateException("CLUSTER FAILOVER refused by " + replica.address());
                }
            }
            await("the replica " + replica.address() + " owns slot " + slot, 60, () -> nodes().stream()
                    .anyMatch(n -> n.id().equals(replica.id()) && n.master() && n.owns(slot)));
            await("the old master replicates the new one and the cluster is ok", 60, () -> {
                for (Node n : nodes()) {
                    try (Jedis j = new Jedis(n.address(), data)) {
                        if (!j.clusterInfo().contains("cluster_state:ok")) {
                            return false;
                        }
                        if (!n.master() && !j.info("replication").contains("master_link_status:up")) {
                            return false;
                        }
                    }
                }
                return replicaOf(slot).isPresent();
            });
        }
    }
}
