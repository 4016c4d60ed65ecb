package dev.kvtier.sim.event;

import java.util.Arrays;

/**
 * The pending-event set of the simulator: a 4-ary min-heap ordered by (time, insertion sequence), so events at
 * the same instant fire in the order they were scheduled and a run is reproducible. Keys live interleaved in one
 * {@code long[]} (time, sequence) and the payload in an {@code int[]}: no object per event, and the four children
 * of a node share a cache line, which is what keeps it fast at a million pending events.
 */
public final class EventQueue
{
    private static final int ARITY = 4;

    private long[] keys;
    private int[] payloads;
    private int size;
    private long nextSeq;
    private long lastTime;

    public EventQueue()
    {
        this(1024);
    }

    public EventQueue(final int initialCapacity)
    {
        final int cap = Math.max(4, initialCapacity);
        keys = new long[2 * cap];
        payloads = new int[cap];
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
        if (size == payloads.length)
        {
            payloads = Arrays.copyOf(payloads, size * 2);
            keys = Arrays.copyOf(keys, size * 4);
        }
        final long seq = nextSeq++;
        int i = size++;
        final long[] k = keys;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 2;
            final long pt = k[2 * parent];
            if (pt < time || (pt == time && k[2 * parent + 1] < seq))
            {
                break;
            }
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            payloads[i] = payloads[parent];
            i = parent;
        }
        k[2 * i] = time;
        k[2 * i + 1] = seq;
        payloads[i] = payload;
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
        final int result = payloads[0];
        lastTime = k[0];
        final int last = --size;
        if (last == 0)
        {
            return result;
        }
        final long t = k[2 * last];
        final long s = k[2 * last + 1];
        final int p = payloads[last];
        int i = 0;
        while (true)
        {
            final int first = ARITY * i + 1;
            if (first >= last)
            {
                break;
            }
            final int end = Math.min(first + ARITY, last);
            int best = first;
            long bt = k[2 * first];
            long bs = k[2 * first + 1];
            for (int c = first + 1; c < end; c++)
            {
                final long ct = k[2 * c];
                if (ct < bt || (ct == bt && k[2 * c + 1] < bs))
                {
                    best = c;
                    bt = ct;
                    bs = k[2 * c + 1];
                }
            }
            if (bt > t || (bt == t && bs > s))
            {
                break;
            }
            k[2 * i] = bt;
            k[2 * i + 1] = bs;
            payloads[i] = payloads[best];
            i = best;
        }
        k[2 * i] = t;
        k[2 * i + 1] = s;
        payloads[i] = p;
        return result;
    }

    /** Time of the event most recently popped. */
    public long lastTime()
    {
        return lastTime;
    }
}
