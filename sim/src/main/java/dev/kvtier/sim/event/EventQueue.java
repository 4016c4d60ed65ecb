package dev.kvtier.sim.event;

import java.util.Arrays;

/**
 * The pending-event set of the simulator: a 4-ary min-heap ordered by (time, insertion sequence), so events at
 * the same instant fire in the order they were scheduled and a run is reproducible. An entry is two {@code long}s
 * side by side in one array: its time, and its sequence number above its payload (the sequence in the high 32
 * bits, so comparing the second words compares sequences). No object per event, two words moved per level. A pop
 * leaves the root empty, and the next push drops its entry into that hole (a simulation step pops one event and
 * usually schedules one); the hole goes to the bottom along the smallest children, picked by a branch-free
 * tournament on the times, before the entry goes up to its place (Floyd's variant, which saves a comparison per
 * level because the entry nearly always belongs near the bottom). Sequence numbers are renumbered in order when
 * they would overflow their 31 bits, so the order stays exact in any run.
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

    /** Adds an event; among events with equal time, earlier pushes pop first. */
    public void push(final long time, final int payload)
    {
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
     * smallest children to the bottom, then the entry goes up from there to its place (Floyd's variant, which saves
     * a comparison per level because the entry nearly always belongs near the bottom).
     */
    private void fill(final long t, final long tag, final int last)
    {
        final long[] k = keys;
        // the hole goes down along the smallest children to the bottom ...
        int i = 0;
        while (true)
        {
            final int first = ARITY * i + 1;
            if (first >= last)
            {
                break;
            }
            final int best;
            final long bt;
            final long bg;
            if (first + ARITY <= last)
            {
                // a tournament of the four children without a branch: which of two wins is a mask, not a jump,
                // so the random outcomes cost no mispredicted branches
                final int j = 2 * first;
                final long t0 = k[j];
                final long g0 = k[j + 1];
                final long t1 = k[j + 2];
                final long g1 = k[j + 3];
                final long t2 = k[j + 4];
                final long g2 = k[j + 5];
                final long t3 = k[j + 6];
                final long g3 = k[j + 7];
                // times decide unless two are equal, which is rare enough for one well-predicted branch
                long m01 = earlier(t1, t0);
                long m23 = earlier(t3, t2);
                if ((t0 == t1) | (t2 == t3))
                {
                    m01 = before(t1, g1, t0, g0);
                    m23 = before(t3, g3, t2, g2);
                }
                final long ta = t0 ^ ((t0 ^ t1) & m01);
                final long ga = g0 ^ ((g0 ^ g1) & m01);
                final long tb = t2 ^ ((t2 ^ t3) & m23);
                final long gb = g2 ^ ((g2 ^ g3) & m23);
                final long m = ta != tb ? earlier(tb, ta) : before(tb, gb, ta, ga);
                bt = ta ^ ((ta ^ tb) & m);
                bg = ga ^ ((ga ^ gb) & m);
                best = first + (int)(m01 & 1 & ~m) + (int)((2 + (m23 & 1)) & m);
            }
            else
            {
                int b = first;
                long bTime = k[2 * first];
                long bTag = k[2 * first + 1];
                for (int c = first + 1; c < last; c++)
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
                best = b;
                bt = bTime;
                bg = bTag;
            }
            k[2 * i] = bt;
            k[2 * i + 1] = bg;
            i = best;
        }
        // ... and the entry goes up from there to its place
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
     * All ones when entry (time {@code t}, tag {@code g}) comes before entry ({@code u}, {@code h}), else zero,
     * computed without a branch. Tags are never negative (a 31-bit sequence above a 32-bit payload), so their
     * difference cannot overflow; times may be any long, so theirs is corrected for overflow.
     */
    private static long before(final long t, final long g, final long u, final long h)
    {
        final long x = t ^ u;
        final long same = ~((x | -x) >> 63);
        return earlier(t, u) | (same & ((g - h) >> 63));
    }

    /** All ones when time {@code t} is earlier than time {@code u}, else zero; corrected for overflow. */
    private static long earlier(final long t, final long u)
    {
        final long d = t - u;
        return (d ^ ((t ^ u) & (d ^ t))) >> 63;
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
