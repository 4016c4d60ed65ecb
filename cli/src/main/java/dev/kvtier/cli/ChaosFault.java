package dev.kvtier.cli;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One fault of a chaos run: what it was, when it began ({@link System#nanoTime()}; for a kill, once the process was
 * gone), when the first operation that started after it succeeded (its recovery), 0 until then, and for a kill, when
 * the restarted process was ready again (a store mounted, the master listening).
 */
final class ChaosFault
{
    /** The faults a chaos run injects. */
    enum Kind
    {
        STORE_KILL("store kill -9 + restart"),
        MASTER_RESTART("master kill -9 + restart"),
        RPC_HALF_FRAMES("half-sent RPC frames"),
        DATA_PORT_GARBAGE("garbage on a data port"),
        SLOW_METADATA("slow metadata body");

        final String label;

        Kind(final String label)
        {
            this.label = label;
        }
    }

    final Kind kind;
    final String detail;
    final long startNanos;
    private final AtomicLong recoveredNanos = new AtomicLong();
    private volatile long backNanos;

    ChaosFault(final Kind kind, final String detail, final long startNanos)
    {
        this.kind = kind;
        this.detail = detail;
        this.startNanos = startNanos;
    }

    /** Records an operation that ran from {@code opStart} to {@code opEnd}; true if it is this fault's recovery. */
    boolean offer(final long opStart, final long opEnd)
    {
        return opStart > startNanos && recoveredNanos.compareAndSet(0, opEnd);
    }

    boolean recovered()
    {
        return recoveredNanos.get() != 0;
    }

    void back(final long nanos)
    {
        backNanos = nanos;
    }

    /** Milliseconds from the kill to the restarted process being ready, or -1 for a fault that kills nothing. */
    double backMs()
    {
        return backNanos == 0 ? -1 : (backNanos - startNanos) / 1e6;
    }

    /** Milliseconds from the fault to its recovery, or -1 if none came. */
    double recoveryMs()
    {
        final long r = recoveredNanos.get();
        return r == 0 ? -1 : (r - startNanos) / 1e6;
    }
}
