package org.recallctl.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.recallctl.error.RecallctlException;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.KeyRange;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;

/**
 * Every selected source row, decoded and normalised as the build does, streamed from MySQL on a reader thread
 * into a few reusable blocks: memory stays at a handful of blocks whatever the table size, and decoding overlaps
 * with scoring. Rows the build would reject (bad vectors) are skipped and counted.
 */
public final class SourceItems implements ItemStream {
    private static final int IN_FLIGHT = 3;
    private final ItemSource source;
    private final VectorCodec codec;
    private final int dim;
    private final boolean normalize;
    private final int blockSize;
    private final AtomicLong skipped = new AtomicLong();

    public SourceItems(ItemSource source, VectorCodec codec, int dim, boolean normalize, int blockSize) {
        this.source = source;
        this.codec = codec;
        this.dim = dim;
        this.normalize = normalize;
        this.blockSize = blockSize;
    }

    @Override
    public int dim() {
        return dim;
    }

    public long skipped() {
        return skipped.get();
    }

    @Override
    public void forEachBlock(BlockConsumer consumer) throws InterruptedException {
        BlockingQueue<ItemBlock> free = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
        BlockingQueue<ItemBlock> full = new ArrayBlockingQueue<>(IN_FLIGHT + 2);
        for (int i = 0; i < IN_FLIGHT + 1; i++) {
            free.add(new ItemBlock(dim, blockSize));
        }
        ItemBlock end = new ItemBlock(dim, 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                ItemBlock[] cur = {free.take()};
                source.stream(new KeyRange(Long.MIN_VALUE, Long.MAX_VALUE), row -> {
                    float[] v;
                    try {
                        v = codec.decode(row.rawVector());
                        if (normalize) {
                            Vectors.normalize(v);
                        }
                    } catch (BadVectorException e) {
                        skipped.incrementAndGet();
                        return;
                    }
                    if (cur[0].full()) {
                        full.put(cur[0]);
                        cur[0] = free.take();
                        cur[0].clear();
                    }
                    cur[0].add(row.id(), v);
                });
                if (cur[0].count() > 0) {
                    full.put(cur[0]);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                full.offer(end);
            }
        }, "recallctl-groundtruth-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                ItemBlock b = full.take();
                if (b == end) {
                    break;
                }
                consumer.accept(b);
                b.clear();
                free.put(b);
            }
        } finally {
            reader.interrupt();
            reader.join(5_000);
        }
        Throwable t = failure.get();
        if (t instanceof RecallctlException re) {
            throw re;
        }
        if (t != null) {
            throw new IllegalStateException("reading the source failed: " + t, t);
        }
    }
}
