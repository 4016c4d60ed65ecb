package dev.kvtier.sim.event;

import java.util.Arrays;

/**
 * The pending-event set of the simulator: a 4-ary min-heap ordered by (time, insertion sequence), so events at
 * the same instant fire in the order they were scheduled and a run is reproducible. An entry is two {@code long}s
 * side by side in one array: its time, and its sequence number above its payload (the sequence in the high 32
 * bits, so comparing the second words compares sequences). No object per event, two words moved per level, and a
 * pop moves the hole to the bottom along the smaller children before placing the last entry (Floyd's variant,
 * which saves a comparison per level because the last entry nearly always belongs near the bottom). Sequence
 * numbers are renumbered in order when they would overflow their 31 bits, so the order stays exact in any run.
 */
public final class EventQueue
{
    private static final int ARITY = 4;
    private static final long SEQ_LIMIT = 1L << 31;
    private static final long PAYLOAD_MASK = 0xFFFF_FFFFL;

    private final long seqLimit;
    private long[] keys;
    private int size;
    private long nextSeq;
    private long lastTime;

    public EventQueue()
    {
        this(1024);
    }

    public EventQueue(final int initialCapacity)
    {
        this(initialCapacity, SEQ_LIMIT);
    }

    /** @param seqLimit sequence numbers renumber when they reach this (lower than the default only in tests) */
    EventQueue(final int initialCapacity, final long seqLimit)
    {
        this.seqLimit = Math.min(seqLimit, SEQ_LIMIT);
        keys = new long[2 * Math.max(4, initialCapacity)];
    }

    public int size()
    {
        return size;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    /** Adds an event; among events with equal time, earlier pushes pop first. */
    public void push(final long time, final int payload)
    {
        if (2 * size == keys.length)
        {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        if (nextSeq >= seqLimit)
        {
            renumber();
        }
        final long tag = (nextSeq++ << 32) | (payload & PAYLOAD_MASK);
        final long[] k = keys;
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 2;
            final long pt = k[2 * parent];
            if (pt < time || (pt == time && k[2 * parent + 1] < tag))
            {
                break;
            }
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            i = parent;
        }
        k[2 * i] = time;
        k[2 * i + 1] = tag;
    }

    /** Time of the earliest event; undefined when empty. */
    public long peekTime()
    {
        return keys[0];
    }

    /** Removes the earliest event and returns its payload; {@link #lastTime()} then tells its time. */
    public int pop()
    {
        final long[] k = keys;
        final int result = (int)k[1];
        lastTime = k[0];
        final int last = --size;
        if (last == 0)
        {
            return result;
        }
        // the hole goes down along the smallest children to the bottom ...
        int i = 0;
        while (true)
        {
            final int first = ARITY * i + 1;
            if (first >= last)
            {
                break;
            }
            int best = first;
            long bt = k[2 * first];
            if (first + ARITY <= last)
            {
                final long t1 = k[2 * first + 2];
                final long t2 = k[2 * first + 4];
                final long t3 = k[2 * first + 6];
                if (t1 < bt || (t1 == bt && k[2 * first + 3] < k[2 * best + 1]))
                {
                    best = first + 1;
                    bt = t1;
                }
                if (t2 < bt || (t2 == bt && k[2 * first + 5] < k[2 * best + 1]))
                {
                    best = first + 2;
                    bt = t2;
                }
                if (t3 < bt || (t3 == bt && k[2 * first + 7] < k[2 * best + 1]))
                {
                    best = first + 3;
                    bt = t3;
                }
            }
            else
            {
                for (int c = first + 1; c < last; c++)
                {
                    final long ct = k[2 * c];
                    if (ct < bt || (ct == bt && k[2 * c + 1] < k[2 * best + 1]))
                    {
                        best = c;
                        bt = ct;
                    }
                }
            }
            k[2 * i] = bt;
            k[2 * i + 1] = k[2 * best + 1];
            i = best;
        }
        // ... and the last entry goes up from there to its place
        final long t = k[2 * last];
        final long tag = k[2 * last + 1];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 2;
            final long pt = k[2 * parent];
            if (pt < t || (pt == t && k[2 * parent + 1] < tag))
            {
                break;
            }
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            i = parent;
        }
        k[2 * i] = t;
        k[2 * i + 1] = tag;
        return result;
    }

    /** Time of the event most recently popped. */
    public long lastTime()
    {
        return lastTime;
    }

    /** Gives the pending entries sequence numbers 0, 1, … in their present order; their heap order is unchanged. */
    private void renumber()
    {
        final long[] order = new long[size];
        for (int i = 0; i < size; i++)
        {
            order[i] = (keys[2 * i + 1] & ~PAYLOAD_MASK) | i;
        }
        Arrays.sort(order);
        for (int r = 0; r < size; r++)
        {
            final int i = (int)(order[r] & PAYLOAD_MASK);
            keys[2 * i + 1] = ((long)r << 32) | (keys[2 * i + 1] & PAYLOAD_MASK);
        }
        nextSeq = size;
    }
}
