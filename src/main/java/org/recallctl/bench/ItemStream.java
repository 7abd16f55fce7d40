package org.recallctl.bench;

/**
 * Item vectors delivered block by block, so exact search over a million rows never holds them all in memory.
 * The consumer must be done with a block before it returns: the producer may reuse the arrays.
 */
public interface ItemStream {
    int dim();

    void forEachBlock(BlockConsumer consumer) throws InterruptedException;

    @FunctionalInterface
    interface BlockConsumer {
        void accept(ItemBlock block) throws InterruptedException;
    }
}
