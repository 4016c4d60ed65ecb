package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.LongMinHeap;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * The host tier's LRU order: each host page carries the stamp of its last touch, and a min-heap holds the pages
 * offered while evictable. Entries go stale when a page is touched again, pinned, gains a child or leaves the host;
 * they are dropped as they surface. One eviction pass takes evictable pages in touch order and, like a walk from an
 * LRU list's tail, never goes back to a page older than the last one it took (a parent freed by deleting its child
 * waits for the next pass). It replaces such a list: walking it meant stepping over thousands of internal nodes at
 * the tail on every single-page eviction.
 */
final class HostEvictionOrder
{
    private static final int SLOT_BITS = 26;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

    private long[] stamps;
    private long clock;
    private final LongMinHeap heap = new LongMinHeap();
    private long[] deferred = new long[64];

    HostEvictionOrder(final int slots)
    {
        stamps = new long[slots];
    }

    void ensure(final int slots)
    {
        if (slots > SLOT_MASK)
        {
            throw new IllegalStateException("more than " + SLOT_MASK + " page slots in one radix cache");
        }
        if (slots > stamps.length)
        {
            stamps = Arrays.copyOf(stamps, slots);
        }
    }

    /** Slot {@code s} was just touched (it is now the most recently used host page). */
    void touched(final int s)
    {
        stamps[s] = ++clock;
    }

    /** Slot {@code s} is evictable now, at its current stamp. */
    void offer(final int s)
    {
        heap.push((stamps[s] << SLOT_BITS) | s);
    }

    int size()
    {
        return heap.size();
    }

    /** Drops every entry and re-offers the slots in {@code [0, slots)} that are evictable. */
    void rebuild(final int slots, final IntPredicate evictable)
    {
        heap.clear();
        for (int s = 0; s < slots; s++)
        {
            if (evictable.test(s))
            {
                offer(s);
            }
        }
    }

    /**
     * Evicts up to {@code pages} pages in touch order: {@code evict} is called for each, and must make it
     * non-evictable (delete it). Returns how many were evicted.
     */
    long evict(final long pages, final IntPredicate evictable, final IntConsumer evict)
    {
        long freed = 0;
        long cursor = -1;
        int deferredCount = 0;
        while (freed < pages && !heap.isEmpty())
        {
            final long key = heap.pop();
            final int s = (int)(key & SLOT_MASK);
            final long stamp = key >>> SLOT_BITS;
            if (stamps[s] != stamp || !evictable.test(s))
            {
                continue;
            }
            if (stamp < cursor)
            {
                if (deferredCount == deferred.length)
                {
                    deferred = Arrays.copyOf(deferred, deferredCount * 2);
                }
                deferred[deferredCount++] = key;
                continue;
            }
            cursor = stamp;
            evict.accept(s);
            freed++;
        }
        for (int i = 0; i < deferredCount; i++)
        {
            heap.push(deferred[i]);
        }
        return freed;
    }
}
