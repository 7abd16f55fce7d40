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
 * P = 1, 4, 16 partitions; per P, warm connections, warm-up queries, then N single-vector queries in fan-out
 * and in single mode, interleaved so both see the same server load. Reports p50/p95 of the total and, for
 * fan-out, of the overhead above the slowest partition call (total − max(partition call)).
 * Not a test: a main, because speed is shown by a benchmark run, not asserted.
 */
public final class SearchBenchmark {
    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int[] ps = {1, 4, 16};
        TestStack stack = TestStack.get();
        StringBuilder md = new StringBuilder();
        md.append(String.format("items %d, dim 128, FLAT/IP, topk 10, %d queries per mode (nq = 1), %d warm-up%n%n",
                items, queries, 30));
        md.append("| P | fan-out p50 ms | fan-out p95 ms | single p50 ms | single p95 ms | fan-out/single p50 "
                + "| overhead p50 ms | overhead p95 ms | of which merge p50 ms | slowest call p50 ms |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
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
            try (Connections session = Connections.session()) {
                SearchRunner runner = new SearchRunner(cfg, session, w -> { });
                for (int i = 0; i < 30 + queries; i++) {
                    float[] q = vs.get(rnd.nextInt(vs.size()));
                    for (FanOutSearcher.Mode mode : FanOutSearcher.Mode.values()) {
                        var o = new SearchRunner.Options(Optional.of(name + "_a"), List.of(new Query("q", null, q)),
                                List.of(), 0, 0, mode, List.of(), 10, Map.of(), null, List.of(), false);
                        SearchReport r = runner.run(o);
                        if (i < 30) {
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
            md.append(String.format("| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %.2f |%n", p,
                    ms(fan, 50), ms(fan, 95), ms(single, 50), ms(single, 95), ms(fan, 50) / ms(single, 50),
                    ms(overhead, 50), ms(overhead, 95), ms(merge, 50), ms(slowest, 50)));
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
