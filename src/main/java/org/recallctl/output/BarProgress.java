package org.recallctl.output;

import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/** A me.tongfei progress bar (rate, ETA) redrawn in place on the terminal behind stderr. */
public final class BarProgress implements Progress {
    private final PrintWriter err;

    public BarProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public ProgressTask start(String label, long total, String unit) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total <= 0 ? -1 : total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().setUnit(" " + unit, 1)
                .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).setConsumer(new Consumer(err))
                .startsFrom(0, Duration.ZERO).build();
        return new ProgressTask() {
            private boolean closed;

            @Override
            public void step(long n) {
                bar.stepBy(n);
            }

            @Override
            public void setTo(long n) {
                bar.stepTo(n);
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    bar.close();
                }
            }
        };
    }

    /** Draws on our stderr writer (not System.err), so redirection and tests see the same stream. */
    private static final class Consumer implements ProgressBarConsumer {
        private final PrintWriter err;

        Consumer(PrintWriter err) {
            this.err = err;
        }

        @Override
        public int getMaxRenderedLength() {
            return 100;
        }

        @Override
        public void accept(String rendered) {
            synchronized (err) {
                err.print('\r');
                err.print(rendered);
                err.flush();
            }
        }

        @Override
        public void close() {
            synchronized (err) {
                err.println();
                err.flush();
            }
        }
    }
}
