package dev.kvtier.model.cache;

import dev.kvtier.model.primitive.IndexedMinHeap;

/**
 * Least frequently used: evicts the block touched fewest times since it was admitted, ties to the least recently
 * used. The Mooncake report's LFUCache loses to LRU on its trace; this is the policy that shows it.
 */
public final class LfuCache extends AbstractBlockCache
{
    private static final int SEQ_BITS = 40;

    private final IndexedMinHeap heap;
    private final int[] counts;
    private long clock;

    public LfuCache(final int capacity, final int idSpace)
    {
        super(capacity);
        this.heap = new IndexedMinHeap(idSpace, capacity);
        this.counts = new int[idSpace];
    }

    @Override
    public boolean contains(final int block)
    {
        return heap.contains(block);
    }

    @Override
    public void access(final int block, final int depth, final int tokens, final int nextUse)
    {
        final long seq = ++clock;
        if (heap.contains(block))
        {
            counts[block]++;
            heap.update(block, key(counts[block], seq));
            return;
        }
        if (capacity == 0)
        {
            return;
        }
        if (heap.size() == capacity)
        {
            heap.poll();
            evictions++;
        }
        counts[block] = 1;
        heap.insert(block, key(1, seq));
    }

    private static long key(final int count, final long seq)
    {
        return (long)Math.min(count, (1 << 23) - 1) << SEQ_BITS | seq;
    }

    @Override
    public int size()
    {
        return heap.size();
    }
}
