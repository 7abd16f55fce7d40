package org.recallctl.pointer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recallctl.config.RecallConfig;
import org.recallctl.testing.RedisTopology;
import org.recallctl.testing.TestStack;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Issue 12 §6 in the other Redis topologies: the pointer-event channel lives in the pipeline's hash-tag slot, and
 * a PUBLISH through the store (Sentinel's master; any cluster node) reaches a subscriber on <b>every</b> data node,
 * so a search service may subscribe wherever it is connected. Fails when the channel leaves the hash tag or the
 * store publishes somewhere subscribers cannot hear.
 */
@Tag("integration")
class PointerEventsTopologyIT {
    @ParameterizedTest
    @ValueSource(strings = {"sentinel", "cluster"})
    void anEventPublishedThroughTheStoreReachesSubscribersOnEveryDataNode(String name) throws Exception {
        RedisTopology topology = RedisTopology.start(name);
        TestStack stack = topology.stack();
        String pipeline = TestStack.unique("events");
        RecallConfig cfg = stack.load(pipeline, topology.settings()).config();
        String channel = PointerEvent.channel(cfg);
        try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
            assertThat(JedisClusterCRC16.getSlot(channel)).as("the channel hashes with the pointer keys")
                    .isEqualTo(JedisClusterCRC16.getSlot(store.keys().current()));
        }
        JedisClientConfig data = DefaultJedisClientConfig.builder().password(stack.redisTopologyPassword())
                .timeoutMillis(3000).build();
        String portsKey = "sentinel".equals(name) ? "SENTINEL_DATA_PORTS" : "CLUSTER_PORTS";
        List<Listener> listeners = new ArrayList<>();
        try {
            for (String p : stack.get(portsKey).split(",")) {
                listeners.add(new Listener(new HostAndPort("127.0.0.1", Integer.parseInt(p.trim())), data, channel));
            }
            String message = new PointerEvent(pipeline, PointerEvent.SWITCH, "a", "b", "test", "2026-12-02T08:00:00Z")
                    .toJson().toString();
            try (RedisPointerStore store = RedisPointerStore.connect(cfg)) {
                store.publish(channel, message);
            }
            for (Listener l : listeners) {
                assertThat(l.await()).as("subscriber on " + l.node).containsExactly(message);
            }
        } finally {
            for (Listener l : listeners) {
                l.close();
            }
        }
    }

    /** A plain subscriber connection on one node, on its own thread. */
    private static final class Listener {
        final HostAndPort node;
        final List<String> got = new CopyOnWriteArrayList<>();
        private final JedisPubSub pubsub;
        private final Thread thread;

        Listener(HostAndPort node, JedisClientConfig config, String channel) throws InterruptedException {
            this.node = node;
            CountDownLatch subscribed = new CountDownLatch(1);
            pubsub = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int n) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(String ch, String message) {
                    got.add(message);
                }
            };
            thread = new Thread(() -> {
                try (Jedis j = new Jedis(node, config)) {
                    j.subscribe(pubsub, channel);
                }
            }, "subscriber-" + node.getPort());
            thread.setDaemon(true);
            thread.start();
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("subscribed on " + node).isTrue();
        }

        List<String> await() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(100); // and no duplicate behind it
            return List.copyOf(got);
        }

        void close() throws InterruptedException {
            if (pubsub.isSubscribed()) {
                pubsub.unsubscribe();
            }
            thread.join(5000);
        }
    }
}
