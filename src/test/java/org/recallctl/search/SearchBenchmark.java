package org.recallctl.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.session.Connections;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * In-process search benchmark (benchmarks/search.sh runs it): the same items loaded into collections with
 * P = 1, 4, 16 partitions; per P, warm connections, warm-up queries (enough for the JIT to compile gRPC's
 * call path), then N single-vector queries in fan-out mode, in single mode and through
 * {@link PooledFanOutBaseline}, interleaved so all three see the same server load. Reports p50/p95 of the total
 * and, for both fan-outs, of the overhead above the slowest partition call (total − max(partition call)).
 * Not a test: a main, because speed is shown by a benchmark run, not asserted.
 */
public final class SearchBenchmark {
    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int[] ps = {1, 4, 16};
        TestStack stack = TestStack.get();
        StringBuilder md = new StringBuilder();
        md.append(String.format("items %d, dim 128, FLAT/IP, topk 10, %d queries per mode (nq = 1), %d warm-up%n%n",
                items, queries, warmup));
        md.append("| P | fan-out p50 ms | fan-out p95 ms | single p50 ms | single p95 ms | fan-out/single p50 "
                + "| overhead p50 ms | overhead p95 ms | of which merge p50 ms | slowest call p50 ms "
                + "| pool baseline p50 ms | pool overhead p50 ms | pool overhead p95 ms |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int p : ps) {
            String name = TestStack.unique("sbench");
            RecallConfig cfg = stack.load(name, Map.of("collection.partitions", Integer.toString(p),
                    "search.timeout_ms", "10000")).config();
            var seeded = CollectionFixture.build(cfg, name + "_a", items, "FLAT", Map.of());
            List<float[]> vs = new ArrayList<>(seeded.vectors().values());
            Random rnd = new Random(1);
            Histogram fan = new Histogram(3);
            Histogram single = new Histogram(3);
            Histogram overhead = new Histogram(3);
            Histogram slowest = new Histogram(3);
            Histogram merge = new Histogram(3);
            Histogram pooled = new Histogram(3);
            Histogram pooledOverhead = new Histogram(3);
            try (Connections session = Connections.session();
                 var baseline = new PooledFanOutBaseline(session.milvusReads(cfg, 10_000), name + "_a", p,
                         cfg.collection().metric())) {
                SearchRunner runner = new SearchRunner(cfg, session, w -> { });
                for (int i = 0; i < warmup + queries; i++) {
                    float[] q = vs.get(rnd.nextInt(vs.size()));
                    var b = baseline.search(q, 10);
                    if (i >= warmup) {
                        pooled.recordValue(Math.round(b.totalMs() * 1000));
                        pooledOverhead.recordValue(Math.max(0, Math.round((b.totalMs() - b.slowestCallMs()) * 1000)));
                    }
                    for (FanOutSearcher.Mode mode : FanOutSearcher.Mode.values()) {
                        var o = new SearchRunner.Options(Optional.of(name + "_a"), List.of(new Query("q", null, q)),
                                List.of(), 0, 0, mode, List.of(), 10, Map.of(), null, List.of(), false);
                        SearchReport r = runner.run(o);
                        if (i < warmup) {
                            continue;
                        }
                        long us = Math.round(r.timingsMs().total() * 1000);
                        if (mode == FanOutSearcher.Mode.FANOUT) {
                            fan.recordValue(us);
                            overhead.recordValue(Math.max(0, Math.round(r.timingsMs().overhead() * 1000)));
                            slowest.recordValue(Math.round(r.timingsMs().slowestCall() * 1000));
                            merge.recordValue(Math.round(r.timingsMs().merge() * 1000));
                        } else {
                            single.recordValue(us);
                        }
                    }
                }
            }
            md.append(String.format("| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f "
                    + "| %.3f |%n", p, ms(fan, 50), ms(fan, 95), ms(single, 50), ms(single, 95),
                    ms(fan, 50) / ms(single, 50), ms(overhead, 50), ms(overhead, 95), ms(merge, 50), ms(slowest, 50),
                    ms(pooled, 50), ms(pooledOverhead, 50), ms(pooledOverhead, 95)));
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus())) {
                m.dropCollection(name + "_a");
            }
            System.err.println("P=" + p + " done");
        }
        System.out.print(md);
    }

    private static double ms(Histogram h, double pct) {
        return h.getValueAtPercentile(pct) / 1000.0;
    }
}
