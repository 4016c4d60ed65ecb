package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.SlotMinHeap;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * What both tiers' eviction orders are made of: each page slot carries the key of its last touch, and a min-heap
 * holds (key, slot) for the slots offered while they may go. Entries go stale when a slot is touched again or
 * stops being a candidate, and are dropped as they surface, so a touch costs a store and an offer a heap push
 * instead of a list relink. The key is the touch's stamp (a counter per order) under LRU and FIFO, and (hit count,
 * stamp) under LFU, SGLang's {@code (hit_count, last_access_time)}: a page whose count changes is touched again.
 * The tiers differ only in how one eviction pass takes candidates ({@link DeviceEvictionOrder},
 * {@link HostEvictionOrder}).
 */
abstract class TouchOrder
{
    private static final int MAX_SLOTS = (1 << 26) - 1;
    private static final int STAMP_BITS = 40;
    private static final long MAX_COUNT = (1L << 23) - 1;

    private final boolean byCount;
    private long[] keys;
    private long clock;
    private final SlotMinHeap heap = new SlotMinHeap();
    private long[] deferredKeys = new long[64];
    private int[] deferredSlots = new int[64];
    private int deferredCount;

    /**
     * @param byCount whether the key leads with the page's hit count (LFU) rather than being its stamp alone
     */
    TouchOrder(final int slots, final boolean byCount)
    {
        keys = new long[slots];
        this.byCount = byCount;
    }

    final void ensure(final int slots)
    {
        if (slots > MAX_SLOTS)
        {
            throw new IllegalStateException("more than " + MAX_SLOTS + " page slots in one radix cache");
        }
        if (slots > keys.length)
        {
            keys = Arrays.copyOf(keys, slots);
        }
    }

    /** Slot {@code s} was just touched: it is now the most recently used page of its tier. */
    final void touched(final int s)
    {
        keys[s] = ++clock;
    }

    /**
     * Slot {@code s}, whose hit count is {@code count}, was just touched: under LFU its key is (count, now), else
     * the count is not part of it.
     */
    final void touched(final int s, final int count)
    {
        keys[s] = byCount ? Math.min(count, MAX_COUNT) << STAMP_BITS | ++clock : ++clock;
    }

    /** The key slot {@code s} got at its last touch. */
    final long keyOf(final int s)
    {
        return keys[s];
    }

    /** Slot {@code s} is a candidate now, at its current key. */
    final void offer(final int s)
    {
        heap.push(keys[s], s);
    }

    final int size()
    {
        return heap.size();
    }

    /** Drops every entry and re-offers the slots in {@code [0, slots)} that are candidates. */
    final void rebuild(final int slots, final IntPredicate candidate)
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

    final boolean hasEntries()
    {
        return !heap.isEmpty();
    }

    /** The smallest entry's key, the entry removed; its slot is {@link #polledSlot}. It may be stale. */
    final long pollEntry()
    {
        return heap.pop();
    }

    /** The slot of the entry {@link #pollEntry} removed last. */
    final int polledSlot()
    {
        return heap.lastSlot();
    }

    /** Whether the entry ({@code key}, {@code s}) still holds its slot's last touch. */
    final boolean isCurrent(final long key, final int s)
    {
        return keys[s] == key;
    }

    /** Keeps the entry ({@code key}, {@code s}) out of this pass; {@link #endPass} offers it again. */
    final void defer(final long key, final int s)
    {
        if (deferredCount == deferredKeys.length)
        {
            deferredKeys = Arrays.copyOf(deferredKeys, deferredCount * 2);
            deferredSlots = Arrays.copyOf(deferredSlots, deferredCount * 2);
        }
        deferredKeys[deferredCount] = key;
        deferredSlots[deferredCount++] = s;
    }

    /** Puts back what the pass deferred. */
    final void endPass()
    {
        for (int i = 0; i < deferredCount; i++)
        {
            heap.push(deferredKeys[i], deferredSlots[i]);
        }
        deferredCount = 0;
    }
}
