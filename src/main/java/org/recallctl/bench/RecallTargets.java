package org.recallctl.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * "QPS at recall ≥ 0.90 / 0.95 / 0.99", the question users of benchmark suites ask first: per K and concurrency,
 * the cheapest measured setting (highest QPS; then lower p99) whose mean recall reaches each target. A setting
 * with errors does not count.
 */
public final class RecallTargets {
    public static final List<Double> DEFAULT = List.of(0.90, 0.95, 0.99);

    private RecallTargets() {
    }

    /**
     * One cell of the summary. {@code best} is empty when no setting reached the target; {@code bestRecall} is
     * then the highest recall that was measured (so the reader sees how far off it is).
     */
    public record Cell(int k, int concurrency, int nq, double target, Optional<BenchRow> best, double bestRecall) {
        public boolean reached() {
            return best.isPresent();
        }
    }

    public static List<Cell> summarize(List<BenchRow> rows, List<Double> targets) {
        List<Cell> out = new ArrayList<>();
        TreeSet<Integer> ks = new TreeSet<>();
        TreeSet<Integer> cs = new TreeSet<>();
        rows.forEach(r -> {
            ks.add(r.k());
            cs.add(r.concurrency());
        });
        for (int k : ks) {
            for (int c : cs) {
                List<BenchRow> here = rows.stream().filter(r -> r.k() == k && r.concurrency() == c)
                        .filter(r -> r.m().errors() == 0 && r.m().queries() > 0).toList();
                if (here.isEmpty()) {
                    continue;
                }
                int nq = here.get(0).nq();
                double top = here.stream().mapToDouble(r -> r.m().meanRecall()).max().orElse(0);
                for (double t : targets) {
                    Optional<BenchRow> best = here.stream().filter(r -> r.m().meanRecall() >= t)
                            .max(Comparator.comparingDouble((BenchRow r) -> r.m().qps())
                                    .thenComparingDouble(r -> -r.m().p99Ms()));
                    out.add(new Cell(k, c, nq, t, best, top));
                }
            }
        }
        return out;
    }
}
