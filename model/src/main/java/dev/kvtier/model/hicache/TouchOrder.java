package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.SortedRunMinQueue;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * What both tiers' eviction orders are made of: each page slot carries the key of its last touch, and a min-queue
 * holds (key, slot) for the slots offered while they may go. Entries go stale when a slot is touched again or
 * stops being a candidate, and are dropped as they surface, so a touch costs a store and an offer a push instead
 * of a list relink (an append, as most offers follow their touch: {@link SortedRunMinQueue}). The key is the
 * touch's stamp (a counter per order) under LRU and FIFO, and (hit count, stamp) under LFU, SGLang's
 * {@code (hit_count, last_access_time)}: a page whose count changes is touched again. The tiers differ only in how
 * one eviction pass takes candidates ({@link DeviceEvictionOrder}, {@link HostEvictionOrder}).
 *
 * <p>An entry is one {@code long}: the key in the 37 bits below the sign bit, the slot in the low 26 (the queues
 * compare entries as signed numbers, so the sign bit stays clear). An LFU key gives 10 of its bits to the count
 * (counts above 1,023 tie, recency decides) and 27 to the stamp; when the stamps run out, the order numbers them
 * again from 1, keeping their order.
 */
abstract class TouchOrder
{
    private static final int SLOT_BITS = 26;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    private static final int KEY_BITS = 63 - SLOT_BITS;
    private static final int COUNT_BITS = 10;
    private static final long MAX_COUNT = (1L << COUNT_BITS) - 1;

    private final boolean byCount;
    private final int stampBits;
    private final long maxStamp;
    private long[] keys;
    private long clock;
    private final SortedRunMinQueue heap = new SortedRunMinQueue();
    private long[] deferred = new long[64];
    private int deferredCount;

    /**
     * @param byCount whether the key leads with the page's hit count (LFU) rather than being its stamp alone
     */
    TouchOrder(final int slots, final boolean byCount)
    {
        this(slots, byCount, KEY_BITS - COUNT_BITS);
    }

    /**
     * @param countedStampBits the stamp's bits in an LFU key (fewer only to test the renumbering)
     */
    TouchOrder(final int slots, final boolean byCount, final int countedStampBits)
    {
        keys = new long[slots];
        this.byCount = byCount;
        this.stampBits = byCount ? countedStampBits : KEY_BITS;
        this.maxStamp = (1L << stampBits) - 1;
    }

    public final void ensure(final int slots)
    {
        if (slots > SLOT_MASK)
        {
            throw new IllegalStateException("more than " + SLOT_MASK + " page slots in one radix cache");
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
    public final void touched(final int s, final int count)
    {
        if (clock == maxStamp)
        {
            renumber();
        }
        if (!byCount)
        {
            keys[s] = ++clock;
            return;
        }
        keys[s] = Math.min(count, MAX_COUNT) << stampBits | ++clock;
    }

    /**
     * Numbers the stamps again from 1 in their order, each key keeping its count, and carries the current heap
     * entries over (the stale ones are dropped). Never during a pass: a pass touches nothing.
     */
    private void renumber()
    {
        if (deferredCount != 0)
        {
            throw new IllegalStateException("stamps renumbered during an eviction pass");
        }
        final long stampMask = maxStamp;
        final long[] order = new long[keys.length];
        int n = 0;
        for (int s = 0; s < keys.length; s++)
        {
            if (keys[s] != 0)
            {
                order[n++] = (keys[s] & stampMask) << SLOT_BITS | s;
            }
        }
        if (n >= maxStamp)
        {
            throw new IllegalStateException(n + " page slots do not fit " + stampBits + "-bit stamps");
        }
        Arrays.sort(order, 0, n);
        final long[] old = keys.clone();
        for (int i = 0; i < n; i++)
        {
            final int s = slotOf(order[i]);
            keys[s] = old[s] & ~stampMask | i + 1;
        }
        clock = n;
        final long[] entries = heap.toArray();
        heap.clear();
        for (final long entry : entries)
        {
            final int s = slotOf(entry);
            if (old[s] == entryKey(entry))
            {
                offer(s);
            }
        }
    }

    /** The key slot {@code s} got at its last touch. */
    final long keyOf(final int s)
    {
        return keys[s];
    }

    /** Slot {@code s} is a candidate now, at its current key. */
    public final void offer(final int s)
    {
        heap.push((keys[s] << SLOT_BITS) | s);
    }

    final int size()
    {
        return heap.size();
    }

    /** Whether stale entries have piled up: more than four per page of the tier, plus slack. */
    public final boolean overfull(final int treePages)
    {
        return heap.size() > 4 * treePages + 4096;
    }

    /** Drops every entry and re-offers the slots in {@code [0, slots)} that are candidates. */
    public final void rebuild(final int slots, final IntPredicate candidate)
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

    /** The entry with the smallest key, removed; it may be stale ({@link #isCurrent}). */
    final long pollEntry()
    {
        return heap.pop();
    }

    static int slotOf(final long entry)
    {
        return (int)(entry & SLOT_MASK);
    }

    static long entryKey(final long entry)
    {
        return entry >>> SLOT_BITS;
    }

    /** Whether {@code entry} still holds its slot's last touch. */
    final boolean isCurrent(final long entry)
    {
        return keys[slotOf(entry)] == entryKey(entry);
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
