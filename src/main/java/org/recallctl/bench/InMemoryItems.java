package org.recallctl.bench;

import java.util.List;

/** Items already in memory (tests, the benchmark): handed out in blocks like the streamed source. */
public final class InMemoryItems implements ItemStream {
    private final List<ItemBlock> blocks;
    private final int dim;

    public InMemoryItems(int dim, List<ItemBlock> blocks) {
        this.dim = dim;
        this.blocks = List.copyOf(blocks);
    }

    /** Packs {@code ids[i]} / {@code vectors[i]} into blocks of {@code blockSize}. */
    public static InMemoryItems of(long[] ids, float[][] vectors, int blockSize) {
        int dim = vectors.length == 0 ? 0 : vectors[0].length;
        List<ItemBlock> blocks = new java.util.ArrayList<>();
        ItemBlock b = null;
        for (int i = 0; i < ids.length; i++) {
            if (b == null || b.full()) {
                b = new ItemBlock(dim, blockSize);
                blocks.add(b);
            }
            b.add(ids[i], vectors[i]);
        }
        return new InMemoryItems(dim, blocks);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void forEachBlock(BlockConsumer consumer) throws InterruptedException {
        for (ItemBlock b : blocks) {
            consumer.accept(b);
        }
    }
}
