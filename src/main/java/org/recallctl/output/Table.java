package org.recallctl.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table for people. Numbers are right-aligned (in a column of numbers that lines up the digits);
 * everything else left. A key-value listing ({@link #leftAligned()}) keeps every value at the same column, and
 * {@link #wrap(int, int)} folds long cells onto continuation lines, so one long sentence does not push the other
 * rows' values a hundred columns to the right.
 */
public final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private boolean alignNumbers = true;
    private int wrapColumn = -1;
    private int wrapWidth;

    public Table(String... headers) {
        this.headers = Arrays.asList(headers);
    }

    /** No right-aligned numbers: for KEY VALUE listings, where a value column mixes numbers and sentences. */
    public Table leftAligned() {
        alignNumbers = false;
        return this;
    }

    /** Cells of {@code column} longer than {@code width} continue on the next lines, broken between words. */
    public Table wrap(int column, int width) {
        if (width < 10) {
            throw new IllegalArgumentException("wrap width " + width + " is too narrow");
        }
        wrapColumn = column;
        wrapWidth = width;
        return this;
    }

    public Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "-" : String.valueOf(c));
        }
        if (wrapColumn >= 0 && wrapColumn < r.size() && r.get(wrapColumn).length() > wrapWidth) {
            List<String> pieces = fold(r.get(wrapColumn), wrapWidth);
            r.set(wrapColumn, pieces.get(0));
            rows.add(r);
            for (String more : pieces.subList(1, pieces.size())) {
                List<String> cont = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    cont.add(i == wrapColumn ? "  " + more : "");
                }
                rows.add(cont);
            }
            return this;
        }
        rows.add(r);
        return this;
    }

    /** Breaks at the last space that fits (a word longer than the width stays whole on its own line). */
    static List<String> fold(String text, int width) {
        List<String> lines = new ArrayList<>();
        String rest = text.strip();
        int first = width;
        while (rest.length() > first) {
            int cut = rest.lastIndexOf(' ', first);
            if (cut <= 0) {
                cut = rest.indexOf(' ', first);
                if (cut < 0) {
                    break;
                }
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut + 1).strip();
            first = width - 2; // continuation lines are indented by two
        }
        lines.add(rest);
        return lines;
    }

    public int size() {
        return rows.size();
    }

    public void print(PrintWriter out) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], i < r.size() ? r.get(i).length() : 0);
            }
        }
        line(out, headers, width, false);
        for (List<String> r : rows) {
            line(out, r, width, alignNumbers);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] width, boolean alignNumbers) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            boolean right = alignNumbers && c.matches("-?[0-9][0-9.,]*(%|ms|s)?");
            String pad = " ".repeat(width[i] - c.length());
            sb.append(right ? pad + c : c + (i == width.length - 1 ? "" : pad));
            if (i < width.length - 1) {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
