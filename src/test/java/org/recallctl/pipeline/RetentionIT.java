package org.recallctl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.CollectionSpec;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Log;
import org.recallctl.output.Progress;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.Cli;
import org.recallctl.testing.CliRun;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * Issue 10 §4, retention that cannot hurt, on the real stack: more generations than retention.keep, a failed
 * run in between (released, never a generation), two pipelines sharing a base name (each drops only what its
 * mark names), retention.grace_s (the previous generation stays loaded for the grace, then prune releases it),
 * prune --dry-run, and unmarked collections that match the name pattern (never touched).
 */
@Tag("integration")
class RetentionIT {
    private final TestStack stack = TestStack.get();
    @TempDir
    Path dir;
    private final List<RecallConfig> used = new ArrayList<>();

    private RecallConfig cfg(String pipeline, Map<String, String> o) {
        RecallConfig c = stack.load(pipeline, o).config();
        used.add(c);
        return c;
    }

    @AfterEach
    void cleanup() {
        for (RecallConfig c : used) {
            try (MilvusGateway m = MilvusGateway.forWrites(c.milvus()); RedisPointerStore r = RedisPointerStore.connect(c)) {
                for (String x : m.listCollections()) {
                    if (x.startsWith(c.collection().baseName())) {
                        m.dropCollection(x);
                    }
                }
                r.deleteAll();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
    }

    private static Map<String, String> small(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("warmup.max_queries", "20");
        m.put("warmup.window", "10");
        m.put("build.batch_rows", "500");
        m.put("build.writers", "1");
        m.put("retention.grace_s", "0");
        m.putAll(extra);
        return m;
    }

    private static Log quiet() {
        return new Log(new PrintWriter(new StringWriter(), true), new Redactor(), Log.Level.QUIET);
    }

    private static List<String> existing(RecallConfig c) {
        try (MilvusGateway m = MilvusGateway.forWrites(c.milvus())) {
            return m.listCollections().stream().filter(x -> x.startsWith(c.collection().baseName())).sorted().toList();
        }
    }

    private static RebuildChain chain(RecallConfig c, RebuildChain.Hooks hooks) {
        return new RebuildChain(c, quiet(), Progress.none(), Clock.systemUTC(), hooks);
    }

    /**
     * keep = 3 and four rebuilds, the third failing after its build: the failed run's collection is released at
     * once and dropped by the next run, and it never takes a generation's place: the next run keeps the two
     * history generations (serving + 2) and drops the oldest only when it falls off history. Fails with the old
     * newest-by-name counting, which keeps the failed collection and drops history[1].
     */
    @Test
    void moreGenerationsThanKeepWithAFailedRunInBetween() throws Exception {
        String name = TestStack.unique("keep");
        RecallConfig c = cfg(name, small(Map.of("retention.keep", "3")));
        CollectionFixture.seedSource(c, 600, 4);
        try (RedisPointerStore p = RedisPointerStore.connect(c); MilvusGateway m = MilvusGateway.forWrites(c.milvus())) {
            chain(c, null).run(false, null);
            String g1 = p.current().orElseThrow();
            Thread.sleep(1100);
            chain(c, null).run(false, null);
            String g2 = p.current().orElseThrow();
            Thread.sleep(1100);
            String[] failedTarget = new String[1];
            assertThatThrownBy(() -> chain(c, new RebuildChain.Hooks() {
                @Override
                public void beforeSwitch(String target) {
                    failedTarget[0] = target;
                    throw new CheckRefusedException("test: refused right before the switch");
                }
            }).run(false, null)).isInstanceOf(RecallctlException.class);
            String failed = failedTarget[0];
            assertThat(m.hasCollection(failed)).isTrue();
            assertThat(m.loadState(failed).loaded()).as("a failed run's collection is released").isFalse();
            assertThat(p.current()).contains(g2);
            Thread.sleep(1100);
            chain(c, null).run(false, null);
            String g3 = p.current().orElseThrow();
            assertThat(p.history()).containsExactly(g2, g1);
            assertThat(existing(c)).as("the failed run's leftover is dropped, all three generations kept")
                    .containsExactlyInAnyOrder(g3, g2, g1);
            Thread.sleep(1100);
            chain(c, null).run(false, null);
            String g4 = p.current().orElseThrow();
            assertThat(p.history()).containsExactly(g3, g2);
            assertThat(existing(c)).containsExactlyInAnyOrder(g4, g3, g2);
        }
    }

    /**
     * Two pipelines share a base name: each one's retention and prune drop only collections marked with its
     * own pipeline, never the other's, not even its serving one. Fails when retention matches on the name
     * pattern alone (pipeline A drops B's serving collection).
     */
    @Test
    void twoPipelinesSharingABaseNameNeverDropEachOthersCollections() {
        String base = TestStack.unique("shared");
        Map<String, String> sharedBase = small(Map.of("collection.base_name", base, "source.table", base + "_src",
                "retention.keep", "1"));
        RecallConfig a = cfg(base + "_pa", sharedBase);
        RecallConfig b = cfg(base + "_pb", sharedBase);
        String bServing = base + "_20240101000000";
        String bOld = base + "_20240101000001";
        CollectionFixture.build(b, bOld, 300, "FLAT", Map.of());
        CollectionFixture.build(b, bServing, 300, "FLAT", Map.of());
        String a1 = base + "_20240102000000";
        String a2 = base + "_20240102000001";
        String a3 = base + "_20240102000002";
        Path confA = stack.writeConfigFile(dir, base + "_pa", sharedBase);
        try (RedisPointerStore pb = RedisPointerStore.connect(b); RedisPointerStore pa = RedisPointerStore.connect(a)) {
            pb.forceCurrent(bServing);
            Map<String, String> env = Map.of("RECALLCTL_CONFIG", confA.toString());
            CliRun sw = null;
            for (String x : List.of(a1, a2, a3)) { // built just before its switch, as a build would be
                CollectionFixture.build(a, x, 300, "FLAT", Map.of());
                sw = Cli.run(env, "switch", "--to", x);
                assertThat(sw.exitCode()).as(sw.toString()).isZero();
            }
            assertThat(pa.history()).containsExactly(a2);
            CliRun prune = Cli.run(env, "prune");
            assertThat(prune.exitCode()).as(prune.toString()).isZero();
            assertThat(existing(a)).as("A kept serving + rollback, dropped a1; B's two untouched")
                    .containsExactlyInAnyOrder(a3, a2, bServing, bOld);
        }
    }

    /**
     * retention.grace_s: after a switch the previous generation stays loaded (instant rollback); prune within the
     * grace releases nothing, prune --dry-run after it lists the release, prune after it releases (and rollback
     * loads it again). Unmarked collections that match the name pattern are never touched. Fails when grace_s is
     * not read (released at once, or never).
     */
    @Test
    void thePreviousGenerationStaysLoadedForTheGraceThenPruneReleasesIt() throws Exception {
        String name = TestStack.unique("grace");
        Map<String, String> o = small(Map.of("retention.grace_s", "4", "retention.keep", "2"));
        RecallConfig c = cfg(name, o);
        Path conf = stack.writeConfigFile(dir, name, o);
        Map<String, String> env = Map.of("RECALLCTL_CONFIG", conf.toString());
        String g1 = name + "_20240101000000";
        String g2 = name + "_20240102000000";
        String unmarked = name + "_20230101000000";
        try (RedisPointerStore p = RedisPointerStore.connect(c); MilvusGateway m = MilvusGateway.forWrites(c.milvus())) {
            m.createCollection(new CollectionSpec(unmarked, c.source().dimension(), c.collection().metric(), "id", "v",
                    List.of(), 1));
            CollectionFixture.build(c, g1, 300, "FLAT", Map.of());
            assertThat(Cli.run(env, "switch", "--to", g1).exitCode()).isZero();
            CollectionFixture.build(c, g2, 300, "FLAT", Map.of()); // built just before its switch, as a build is
            CliRun sw = Cli.run(env, "switch", "--to", g2);
            assertThat(sw.exitCode()).as(sw.toString()).isZero();
            long switchedAt = System.nanoTime();
            assertThat(m.loadState(g1).loaded()).as("previous generation loaded right after the switch").isTrue();
            CliRun early = Cli.run(env, "prune");
            assertThat(early.exitCode()).as(early.toString()).isZero();
            assertThat((System.nanoTime() - switchedAt) / 1e9).as("still within the grace").isLessThan(4);
            assertThat(m.loadState(g1).loaded()).as("within the grace: still loaded").isTrue();
            Thread.sleep(Math.max(0, 4_300 - (System.nanoTime() - switchedAt) / 1_000_000));
            CliRun dry = Cli.run(env, "prune", "--dry-run");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            assertThat(dry.out()).contains(g1).contains("release").contains("dry run: nothing was changed");
            assertThat(m.loadState(g1).loaded()).isTrue();
            CliRun prune = Cli.run(env, "prune");
            assertThat(prune.exitCode()).as(prune.toString()).isZero();
            assertThat(m.loadState(g1).loaded()).as("released after the grace").isFalse();
            assertThat(m.hasCollection(g1)).as("released, not dropped: it is the rollback collection").isTrue();
            assertThat(m.hasCollection(unmarked)).as("no mark: never touched").isTrue();
            CliRun back = Cli.run(env, "rollback");
            assertThat(back.exitCode()).as(back.toString()).isZero();
            assertThat(back.out()).contains("loaded now");
            assertThat(p.current()).contains(g1);
        }
    }
}
