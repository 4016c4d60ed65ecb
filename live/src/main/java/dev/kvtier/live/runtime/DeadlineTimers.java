package dev.kvtier.live.runtime;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A node's pending timers, owned and polled by the node's own thread, in the shape of Agrona's
 * {@code DeadlineTimerWheel}: deadlines in nanoseconds, the node's own timer ids, nothing shared with another
 * thread. It is a binary heap ordered by (deadline, scheduling order) rather than a wheel, so a timer fires at its
 * deadline and not at the next tick, and timers due together fire in the order they were scheduled, as the
 * simulator's event queue orders them. Re-scheduling an id replaces its pending timer and cancelling one that is not
 * pending does nothing: the heap keeps the superseded entry and skips it when it surfaces (a generation per id says
 * which entry is current), and compacts itself when such entries outnumber the live ones.
 */
final class DeadlineTimers
{
    private long[] deadlines = new long[16];
    private long[] generations = new long[16];
    private long[] ids = new long[16];
    private int size;
    private long nextGeneration;
    private final Map<Long, Long> pending = new HashMap<>();

    /** Arms {@code timerId} for {@code deadlineNs}, replacing its pending timer if any. */
    void schedule(final long timerId, final long deadlineNs)
    {
        final long generation = nextGeneration++;
        pending.put(timerId, generation);
        push(deadlineNs, generation, timerId);
        if (size > 64 && size > 2 * pending.size())
        {
            compact();
        }
    }

    /** Disarms {@code timerId}; a no-op if it is not pending. */
    void cancel(final long timerId)
    {
        pending.remove(timerId);
    }

    int pendingCount()
    {
        return pending.size();
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} when no timer is pending. */
    long nextDeadline()
    {
        dropSuperseded();
        return size == 0 ? Long.MAX_VALUE : deadlines[0];
    }

    /** Whether the earliest pending timer is due at {@code nowNs}. */
    boolean due(final long nowNs)
    {
        dropSuperseded();
        return size > 0 && nowNs - deadlines[0] >= 0;
    }

    /** Removes the earliest pending timer (call after {@link #due}) and returns its id. */
    long pop()
    {
        final long id = ids[0];
        pending.remove(id);
        removeTop();
        return id;
    }

    private void dropSuperseded()
    {
        while (size > 0 && !current(0))
        {
            removeTop();
        }
    }

    private boolean current(final int i)
    {
        final Long g = pending.get(ids[i]);
        return g != null && g == generations[i];
    }

    private void compact()
    {
        int kept = 0;
        final long[] d = new long[size];
        final long[] g = new long[size];
        final long[] id = new long[size];
        for (int i = 0; i < size; i++)
        {
            if (current(i))
            {
                d[kept] = deadlines[i];
                g[kept] = generations[i];
                id[kept] = ids[i];
                kept++;
            }
        }
        size = 0;
        for (int i = 0; i < kept; i++)
        {
            push(d[i], g[i], id[i]);
        }
    }

    private static boolean before(final long d1, final long g1, final long d2, final long g2)
    {
        return d1 - d2 < 0 || (d1 == d2 && g1 < g2);
    }

    private void push(final long deadline, final long generation, final long id)
    {
        if (size == deadlines.length)
        {
            deadlines = Arrays.copyOf(deadlines, size * 2);
            generations = Arrays.copyOf(generations, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(deadline, generation, deadlines[parent], generations[parent]))
            {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, deadline, generation, id);
    }

    private void removeTop()
    {
        final int last = --size;
        if (last == 0)
        {
            return;
        }
        final long d = deadlines[last];
        final long g = generations[last];
        final long id = ids[last];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && before(deadlines[child + 1], generations[child + 1], deadlines[child],
                generations[child]))
            {
                child++;
            }
            if (!before(deadlines[child], generations[child], d, g))
            {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, d, g, id);
    }

    private void move(final int from, final int to)
    {
        set(to, deadlines[from], generations[from], ids[from]);
    }

    private void set(final int i, final long deadline, final long generation, final long id)
    {
        deadlines[i] = deadline;
        generations[i] = generation;
        ids[i] = id;
    }
}
