package dev.kvtier.sim.event;

import java.util.Arrays;

/**
 * The pending-event set of the simulator: a 4-ary min-heap ordered by (time, insertion sequence), so events at
 * the same instant fire in the order they were scheduled and a run is reproducible. An entry is two {@code long}s
 * side by side in one array: its time, and its sequence number above its payload (the sequence in the high 32
 * bits, so comparing the second words compares sequences). No object per event, two words moved per level.
 *
 * <p>A pop leaves the root empty, and the next push drops its entry into that hole (a simulation step pops one
 * event and usually schedules one); the hole goes to the bottom along the smallest children before the entry goes
 * up to its place (Floyd's variant, which saves a comparison per level because the entry nearly always belongs near
 * the bottom). The smallest of four children is found on their times alone by masks rather than jumps (the
 * outcomes are random, so jumps would be mispredicted half the time), and a level's critical path is two
 * subtractions and two selects: times are simulation time since the start, never negative, so their difference
 * cannot overflow and its sign is the comparison. Sequences are read only when two times are equal. Sequence
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
    /** The root's entry was popped and its slot not yet filled again. */
    private boolean rootFree;

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
        return rootFree ? size - 1 : size;
    }

    public boolean isEmpty()
    {
        return size() == 0;
    }

    /**
     * Adds an event; among events with equal time, earlier pushes pop first.
     *
     * @param time simulation time since the start, {@code >= 0}
     * @throws IllegalArgumentException when {@code time} is negative (a time before the start, or an overflowed
     *                                  sum of a time and a delay)
     */
    public void push(final long time, final int payload)
    {
        if (time < 0)
        {
            throw new IllegalArgumentException(
                "event time must be >= 0 (simulation time since the start), got " + time);
        }
        if (nextSeq >= seqLimit)
        {
            settleRoot();
            renumber();
        }
        final long tag = (nextSeq++ << 32) | (payload & PAYLOAD_MASK);
        if (rootFree)
        {
            // the pop just before left the root empty: the new entry takes the hole's way down instead
            rootFree = false;
            fill(time, tag, size);
            return;
        }
        if (2 * size == keys.length)
        {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        siftUp(time, tag, size++);
    }

    /** Time of the earliest event; undefined when empty. */
    public long peekTime()
    {
        settleRoot();
        return keys[0];
    }

    /**
     * Removes the earliest event and returns its payload; {@link #lastTime()} then tells its time. The root is
     * left empty until the next push fills it (a simulation step pops one event and usually schedules another, so
     * the two cost one pass down the heap) or the next pop or peek settles it.
     */
    public int pop()
    {
        settleRoot();
        final long[] k = keys;
        lastTime = k[0];
        rootFree = true;
        return (int)k[1];
    }

    /** Time of the event most recently popped. */
    public long lastTime()
    {
        return lastTime;
    }

    /** Fills an empty root with the last entry. */
    private void settleRoot()
    {
        if (rootFree)
        {
            rootFree = false;
            final int last = --size;
            if (last > 0)
            {
                fill(keys[2 * last], keys[2 * last + 1], last);
            }
        }
    }

    /**
     * Places an entry into the empty root of the heap of the first {@code last} slots: the hole goes down along the
     * smallest children to the bottom, then the entry goes up from there to its place.
     */
    private void fill(final long t, final long tag, final int last)
    {
        final long[] k = keys;
        int i = 0;
        int first = 1;
        while (first < last)
        {
            int best;
            if (first + ARITY <= last)
            {
                final int j = 2 * first;
                final long t0 = k[j];
                final long t1 = k[j + 2];
                final long t2 = k[j + 4];
                final long t3 = k[j + 6];
                // m01 is all ones when child 1 is earlier than child 0, and so on: the winner's offset by masks
                final long m01 = earlier(t1, t0);
                final long m23 = earlier(t3, t2);
                final long ta = t0 ^ ((t0 ^ t1) & m01);
                final long tb = t2 ^ ((t2 ^ t3) & m23);
                final long ia = m01 & 1;
                final long ib = 2 + (m23 & 1);
                best = first + (int)(ia ^ ((ia ^ ib) & earlier(tb, ta)));
                if ((t0 == t1) | (t2 == t3) | (ta == tb))
                {
                    // equal times, rare: the sequences decide
                    best = earliest(first, first + ARITY);
                }
            }
            else
            {
                best = earliest(first, last);
            }
            k[2 * i] = k[2 * best];
            k[2 * i + 1] = k[2 * best + 1];
            i = best;
            first = ARITY * i + 1;
        }
        siftUp(t, tag, i);
    }

    /** Index of the earliest entry, by time then sequence, among slots {@code from} (inclusive) to {@code to}. */
    private int earliest(final int from, final int to)
    {
        final long[] k = keys;
        int b = from;
        long bTime = k[2 * from];
        long bTag = k[2 * from + 1];
        for (int c = from + 1; c < to; c++)
        {
            final long ct = k[2 * c];
            final long cg = k[2 * c + 1];
            if (ct < bTime || (ct == bTime && cg < bTag))
            {
                b = c;
                bTime = ct;
                bTag = cg;
            }
        }
        return b;
    }

    /** Moves an entry up from the empty slot {@code hole} to its place. */
    private void siftUp(final long t, final long tag, final int hole)
    {
        final long[] k = keys;
        int i = hole;
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
    }

    /**
     * All ones when time {@code t} is earlier than time {@code u}, else zero, without a branch. Both are
     * non-negative (checked at push), so {@code t - u} cannot overflow and its sign bit is the answer.
     */
    private static long earlier(final long t, final long u)
    {
        return (t - u) >> 63;
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
