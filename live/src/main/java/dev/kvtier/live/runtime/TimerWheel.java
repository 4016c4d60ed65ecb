package dev.kvtier.live.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A hashed timer wheel on its own thread, ticking every millisecond, that turns {@code schedule} calls of live
 * nodes into timer events on their rings. Scheduling from any thread is a lock-free enqueue; only the wheel
 * thread touches the slots. Resolution is one tick, which is what a master's 10 ms eviction and 1 s client
 * monitor need.
 */
public final class TimerWheel implements AutoCloseable
{
    private static final long TICK_NS = 1_000_000;
    private static final int SLOTS = 512;

    /** A pending timer; firing calls {@code target} on the wheel thread. */
    static final class Timeout
    {
        final long deadlineNs;
        final Runnable target;
        volatile boolean cancelled;

        Timeout(final long deadlineNs, final Runnable target)
        {
            this.deadlineNs = deadlineNs;
            this.target = target;
        }
    }

    @SuppressWarnings("unchecked")
    private final List<Timeout>[] slots = new List[SLOTS];
    private final ConcurrentLinkedQueue<Timeout> incoming = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long startNs = System.nanoTime();
    private volatile boolean running = true;
    private long tick;

    public TimerWheel()
    {
        for (int i = 0; i < SLOTS; i++)
        {
            slots[i] = new ArrayList<>();
        }
        thread = new Thread(this::run, "kvtier-timer-wheel");
        thread.setDaemon(true);
        thread.start();
    }

    Timeout schedule(final long delayNs, final Runnable target)
    {
        final Timeout t = new Timeout(System.nanoTime() + Math.max(0, delayNs), target);
        incoming.add(t);
        return t;
    }

    private void run()
    {
        while (running)
        {
            final long targetNs = startNs + (tick + 1) * TICK_NS;
            long wait;
            while ((wait = targetNs - System.nanoTime()) > 0 && running)
            {
                LockSupport.parkNanos(wait);
            }
            Timeout t;
            while ((t = incoming.poll()) != null)
            {
                final long due = Math.max(tick + 1, (t.deadlineNs - startNs + TICK_NS - 1) / TICK_NS);
                slots[(int)(due % SLOTS)].add(t);
            }
            tick++;
            final long nowNs = System.nanoTime();
            final List<Timeout> slot = slots[(int)(tick % SLOTS)];
            for (int i = slot.size() - 1; i >= 0; i--)
            {
                final Timeout timeout = slot.get(i);
                if (timeout.cancelled)
                {
                    removeAt(slot, i);
                }
                else if (timeout.deadlineNs <= nowNs)
                {
                    removeAt(slot, i);
                    timeout.target.run();
                }
            }
        }
    }

    private static void removeAt(final List<Timeout> slot, final int i)
    {
        final int last = slot.size() - 1;
        slot.set(i, slot.get(last));
        slot.remove(last);
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
    }
}
