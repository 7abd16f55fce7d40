package org.recallctl.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the cheapest setting that meets the target. A setting (index, parameter value, K) meets it when its mean
 * recall reaches the target at every measured concurrency and, with a p99 limit, its p99 stays under it at every
 * concurrency. Among those: lowest worst-case p99, then highest QPS at the highest concurrency.
 */
public final class Recommender {
    private Recommender() {
    }

    public record Choice(BenchRow atPeak, double worstP99Ms, double minRecall, String configLines) {
    }

    public static Optional<Choice> pick(List<BenchRow> rows, int k, double targetRecall, Double maxP99Ms) {
        Map<String, List<BenchRow>> bySetting = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            if (r.k() == k) {
                bySetting.computeIfAbsent(r.index() + "|" + r.setting(), x -> new ArrayList<>()).add(r);
            }
        }
        List<Choice> ok = new ArrayList<>();
        for (List<BenchRow> group : bySetting.values()) {
            double minRecall = group.stream().mapToDouble(r -> r.m().meanRecall()).min().orElse(0);
            double worstP99 = group.stream().mapToDouble(r -> r.m().p99Ms()).max().orElse(0);
            boolean errors = group.stream().anyMatch(r -> r.m().errors() > 0 || r.m().queries() == 0);
            if (errors || minRecall < targetRecall || maxP99Ms != null && worstP99 > maxP99Ms) {
                continue;
            }
            BenchRow peak = group.stream().max(Comparator.comparingInt(BenchRow::concurrency)).orElseThrow();
            ok.add(new Choice(peak, worstP99, minRecall, configLines(peak)));
        }
        return ok.stream().min(Comparator.comparingDouble(Choice::worstP99Ms)
                .thenComparing(c -> -c.atPeak().m().qps()));
    }

    static String configLines(BenchRow r) {
        StringBuilder sb = new StringBuilder();
        if (r.param() != null) {
            sb.append("search.params.").append(r.param()).append(": ").append(r.value());
        }
        if (r.nlist() != null) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("index.params.nlist: ").append(r.nlist());
        }
        return sb.length() == 0 ? "(no search parameter to set: recall target met as configured)" : sb.toString();
    }

    /** Points not dominated: no other point has recall >= and cost <= with one strictly better. */
    public static List<double[]> pareto(List<double[]> recallCost, boolean lowerCostIsBetter) {
        List<double[]> front = new ArrayList<>();
        for (double[] p : recallCost) {
            boolean dominated = false;
            for (double[] o : recallCost) {
                boolean better = lowerCostIsBetter ? o[1] <= p[1] : o[1] >= p[1];
                boolean strictly = o[0] > p[0] || (lowerCostIsBetter ? o[1] < p[1] : o[1] > p[1]);
                if (o != p && o[0] >= p[0] && better && strictly) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(p);
            }
        }
        front.sort(Comparator.comparingDouble(p -> p[0]));
        return front;
    }
}
