package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.SortedRunMinQueue;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * What both tiers' eviction orders are made of: each page slot carries the stamp of its last touch, and a min-queue
 * holds (stamp, slot) for the slots offered while they may go. Entries go stale when a slot is touched again or
 * stops being a candidate, and are dropped as they surface, so a touch costs a store and an offer a push instead
 * of a list relink (an append, as most offers follow their touch: {@link SortedRunMinQueue}). The tiers differ
 * only in how one eviction pass takes candidates ({@link DeviceEvictionOrder}, {@link HostEvictionOrder}).
 */
abstract class TouchOrder
{
    private static final int SLOT_BITS = 26;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

    private long[] stamps;
    private long clock;
    private final SortedRunMinQueue heap = new SortedRunMinQueue();
    private long[] deferred = new long[64];
    private int deferredCount;

    TouchOrder(final int slots)
    {
        stamps = new long[slots];
    }

    final void ensure(final int slots)
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

    /** Slot {@code s} was just touched: it is now the most recently used page of its tier. */
    final void touched(final int s)
    {
        stamps[s] = ++clock;
    }

    /** Slot {@code s} is a candidate now, at its current stamp. */
    final void offer(final int s)
    {
        heap.push((stamps[s] << SLOT_BITS) | s);
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

    /** The oldest entry, removed; it may be stale ({@link #isCurrent}). */
    final long pollEntry()
    {
        return heap.pop();
    }

    static int slotOf(final long entry)
    {
        return (int)(entry & SLOT_MASK);
    }

    static long stampOf(final long entry)
    {
        return entry >>> SLOT_BITS;
    }

    /** Whether {@code entry} still holds its slot's last touch. */
    final boolean isCurrent(final long entry)
    {
        return stamps[slotOf(entry)] == stampOf(entry);
    }

    /** Keeps {@code entry} out of this pass; {@link #endPass} offers it again. */
    final void defer(final long entry)
    {
        if (deferredCount == deferred.length)
        {
            deferred = Arrays.copyOf(deferred, deferredCount * 2);
        }
        deferred[deferredCount++] = entry;
    }

    /** Puts back what the pass deferred. */
    final void endPass()
    {
        for (int i = 0; i < deferredCount; i++)
        {
            heap.push(deferred[i]);
        }
        deferredCount = 0;
    }
}
