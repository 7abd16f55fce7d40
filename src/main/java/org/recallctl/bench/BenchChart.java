package org.recallctl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Two panels: QPS vs recall and p99 vs recall, one curve per index setting / K / concurrency (points along the
 * parameter sweep), every point labelled with its setting ("nprobe=8 c=4"), plus the Pareto front of all points
 * drawn as a dashed line with big diamonds.
 */
public final class BenchChart {
    public static final String PARETO = "Pareto front";

    private BenchChart() {
    }

    public static List<XYChart> build(List<BenchRow> rows, String title) {
        XYChart qps = chart(title + ": QPS vs recall", "QPS (higher is better)");
        XYChart p99 = chart(title + ": p99 latency vs recall", "p99 ms (lower is better)");
        Map<String, List<BenchRow>> curves = new LinkedHashMap<>();
        rows.stream().filter(r -> r.m().queries() > 0).forEach(r ->
                curves.computeIfAbsent(r.curve(), x -> new ArrayList<>()).add(r));
        List<double[]> allQps = new ArrayList<>();
        List<double[]> allP99 = new ArrayList<>();
        curves.forEach((name, pts) -> {
            pts.sort(java.util.Comparator.comparing(r -> r.value() == null ? 0 : r.value()));
            double[] x = pts.stream().mapToDouble(r -> r.m().meanRecall()).toArray();
            qps.addSeries(name, x, pts.stream().mapToDouble(r -> r.m().qps()).toArray());
            p99.addSeries(name, x, pts.stream().mapToDouble(r -> r.m().p99Ms()).toArray());
            pts.forEach(r -> {
                allQps.add(new double[] {r.m().meanRecall(), r.m().qps()});
                allP99.add(new double[] {r.m().meanRecall(), r.m().p99Ms()});
            });
        });
        front(qps, Recommender.pareto(allQps, false));
        front(p99, Recommender.pareto(allP99, true));
        List<BenchRow> measured = rows.stream().filter(r -> r.m().queries() > 0).toList();
        labels(measured, r -> r.m().qps()).forEach(qps::addAnnotation);
        labels(measured, r -> r.m().p99Ms()).forEach(p99::addAnnotation);
        // room on both sides, so the labels of points at recall 1.0 (the right edge) are not cut off
        double lo = measured.stream().mapToDouble(r -> r.m().meanRecall()).min().orElse(0);
        double hi = measured.stream().mapToDouble(r -> r.m().meanRecall()).max().orElse(1);
        double pad = Math.max(0.02, hi - lo) * 0.06;
        for (XYChart c : List.of(qps, p99)) {
            c.getStyler().setXAxisMin(lo - pad).setXAxisMax(hi + pad);
        }
        return List.of(qps, p99);
    }

    /** A label per point (its setting and concurrency), just above it: 2.5% of the y range, in data units. */
    static List<AnnotationText> labels(List<BenchRow> rows, java.util.function.ToDoubleFunction<BenchRow> y) {
        double lo = rows.stream().mapToDouble(y).min().orElse(0);
        double hi = rows.stream().mapToDouble(y).max().orElse(1);
        double lift = (hi > lo ? hi - lo : Math.max(1, Math.abs(hi))) * 0.025;
        return rows.stream().map(r -> new AnnotationText(r.pointLabel(), r.m().meanRecall(), y.applyAsDouble(r) + lift,
                false)).toList();
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(560).title(title).xAxisTitle("mean recall@K")
                .yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        c.getStyler().setMarkerSize(7);
        c.getStyler().setAnnotationTextFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
        return c;
    }

    private static void front(XYChart c, List<double[]> pts) {
        if (pts.isEmpty()) {
            return;
        }
        XYSeries s = c.addSeries(PARETO, pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.DIAMOND);
        s.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        s.setLineColor(java.awt.Color.BLACK);
        s.setMarkerColor(java.awt.Color.BLACK);
    }

    /** Writes both panels side by side: PNG unless the file name ends in .svg. */
    public static Path write(List<XYChart> charts, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true"); // a CLI on a server has no display
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = file.toString();
        if (name.toLowerCase().endsWith(".svg")) {
            // xchart's SVG encoder writes one chart per file: the second panel goes beside it
            VectorGraphicsEncoder.saveVectorGraphic(charts.get(0), name, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            String second = name.substring(0, name.length() - 4) + "-p99.svg";
            VectorGraphicsEncoder.saveVectorGraphic(charts.get(1), second, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return file;
        }
        String base = name.toLowerCase().endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), base, BitmapEncoder.BitmapFormat.PNG);
        return Path.of(base + ".png");
    }
}
