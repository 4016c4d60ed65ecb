package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.LongMinHeap;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The device tier's LRU order as touch stamps, with a min-heap of the pages offered while they are eviction
 * candidates (on the device, unlocked, no child on the device). One eviction pass visits candidates in touch order
 * exactly as a walk from an LRU list's tail would: a page that becomes a candidate during the pass is visited if it
 * is newer than the last page visited and waits for the next pass otherwise, and a candidate the policy keeps stays
 * offered. It replaces such a walk, which under load stepped over every locked page of the running requests (tens
 * of thousands) on each admission.
 */
final class DeviceEvictionOrder
{
    private static final int SLOT_BITS = 26;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

    private long[] stamps;
    private long clock;
    private final LongMinHeap heap = new LongMinHeap();
    private long[] deferred = new long[64];

    DeviceEvictionOrder(final int slots)
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

    /** Slot {@code s} is now the most recently used device page. */
    void touched(final int s)
    {
        stamps[s] = ++clock;
    }

    /** Slot {@code s} is a candidate now, at its current stamp. */
    void offer(final int s)
    {
        heap.push((stamps[s] << SLOT_BITS) | s);
    }

    int size()
    {
        return heap.size();
    }

    /** Drops every entry and re-offers the slots in {@code [0, slots)} that are candidates. */
    void rebuild(final int slots, final IntPredicate candidate)
    {
        heap.clear();
        for (int s = 0; s < slots; s++)
        {
            if (candidate.test(s))
            {
                offer(s);
            }
        }
    }

    /**
     * Visits candidates oldest first until {@code pages} were evicted or none is left: {@code tryEvict} is called
     * for each and returns whether the page left the device. Returns how many did. {@code chase} names the page to
     * take at once after one left (or -1): under FIFO a parent entered before its child, so once the child is gone
     * it is the oldest candidate, which SGLang's heap of leaves pops next; under LRU it is newer and lies ahead.
     */
    long evict(final long pages, final IntPredicate candidate, final IntPredicate tryEvict,
        final IntUnaryOperator chase)
    {
        long freed = 0;
        long cursor = 0;
        int deferredCount = 0;
        while (freed < pages && !heap.isEmpty())
        {
            final long key = heap.pop();
            final int s = (int)(key & SLOT_MASK);
            final long stamp = key >>> SLOT_BITS;
            if (stamps[s] != stamp || !candidate.test(s))
            {
                continue;
            }
            if (stamp <= cursor)
            {
                if (stamp < cursor)
                {
                    deferredCount = defer(key, deferredCount);
                }
                continue;
            }
            cursor = stamp;
            int up = chase.applyAsInt(s);
            if (tryEvict.test(s))
            {
                freed++;
                while (up >= 0 && freed < pages && candidate.test(up))
                {
                    final int next = chase.applyAsInt(up);
                    if (!tryEvict.test(up))
                    {
                        break;
                    }
                    freed++;
                    up = next;
                }
            }
            else
            {
                deferredCount = defer(key, deferredCount);
            }
        }
        for (int i = 0; i < deferredCount; i++)
        {
            heap.push(deferred[i]);
        }
        return freed;
    }

    private int defer(final long key, final int count)
    {
        if (count == deferred.length)
        {
            deferred = Arrays.copyOf(deferred, count * 2);
        }
        deferred[count] = key;
        return count + 1;
    }
}
