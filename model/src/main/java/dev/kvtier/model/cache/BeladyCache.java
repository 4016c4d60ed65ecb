package dev.kvtier.model.cache;

import dev.kvtier.model.primitive.IndexedMinHeap;

/**
 * Belady's offline optimum (OPT): evicts the block whose next reference is farthest in the future, deepest first
 * on ties, and may decline to keep a new block when it is itself the farthest (bypass), which only makes it
 * stronger. Next use is counted in requests, not in block touches: a request touches its blocks deepest first, so
 * counting touches would rank a parent as needed later than its own child and break prefixes.
 */
public final class BeladyCache extends AbstractBlockCache
{
    private static final int DEPTH_BITS = 21;
    private static final int DEPTH_MASK = (1 << DEPTH_BITS) - 1;

    private final IndexedMinHeap heap;

    public BeladyCache(final int capacity, final int idSpace)
    {
        super(capacity);
        this.heap = new IndexedMinHeap(idSpace, capacity + 1);
    }

    @Override
    public boolean contains(final int block)
    {
        return heap.contains(block);
    }

    @Override
    public void access(final int block, final int depth, final int tokens, final int nextUse)
    {
        final long key = (long)(Integer.MAX_VALUE - nextUse) << DEPTH_BITS | (DEPTH_MASK - Math.min(depth, DEPTH_MASK));
        if (heap.contains(block))
        {
            heap.update(block, key);
            return;
        }
        if (capacity == 0)
        {
            return;
        }
        heap.insert(block, key);
        if (heap.size() > capacity)
        {
            heap.poll();
            evictions++;
        }
    }

    @Override
    public int size()
    {
        return heap.size();
    }
}
