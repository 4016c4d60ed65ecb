package dev.kvtier.live.runtime;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * How a node's thread waits for its ring: spin briefly, then yield, then block, as Disruptor's
 * {@code PhasedBackoffWaitStrategy} with a lite lock does, but never past the node's next timer deadline. When the
 * deadline comes first the wait ends with {@link TimeoutException}, which makes the {@code BatchEventProcessor}
 * call the handler's {@code onTimeout}, where the node thread fires its own timers. Disruptor's timeout
 * strategies take one fixed period; a deadline that moves with the node's timers fires a timer when it is due
 * instead of up to a period late, and does not wake an idle node that has none.
 */
final class DeadlineWaitStrategy implements WaitStrategy
{
    private static final long SPIN_NS = 2_000;
    private static final long YIELD_NS = 50_000;

    private final Lock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final AtomicBoolean signalNeeded = new AtomicBoolean();
    private final LongSupplier clock;
    private volatile long deadlineNs = Long.MAX_VALUE;

    DeadlineWaitStrategy(final LongSupplier clock)
    {
        this.clock = clock;
    }

    /** The node's next timer deadline on the runtime's clock ({@link Long#MAX_VALUE}: none); node thread only. */
    void deadline(final long ns)
    {
        deadlineNs = ns;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException, TimeoutException
    {
        long available = dependentSequence.get();
        if (available >= sequence)
        {
            return available;
        }
        final long startNs = clock.getAsLong();
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            final long nowNs = clock.getAsLong();
            if (nowNs - deadlineNs >= 0)
            {
                throw TimeoutException.INSTANCE;
            }
            final long waited = nowNs - startNs;
            if (waited < SPIN_NS)
            {
                Thread.onSpinWait();
            }
            else if (waited < YIELD_NS)
            {
                Thread.yield();
            }
            else
            {
                block(sequence, cursor, barrier);
            }
        }
        return available;
    }

    private void block(final long sequence, final Sequence cursor, final SequenceBarrier barrier)
        throws AlertException, InterruptedException, TimeoutException
    {
        lock.lock();
        try
        {
            while (cursor.get() < sequence)
            {
                barrier.checkAlert();
                signalNeeded.set(true);
                if (cursor.get() >= sequence)
                {
                    break;
                }
                final long leftNs = deadlineNs == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNs - clock.getAsLong();
                if (leftNs <= 0)
                {
                    throw TimeoutException.INSTANCE;
                }
                published.awaitNanos(leftNs);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public void signalAllWhenBlocking()
    {
        if (signalNeeded.getAndSet(false))
        {
            lock.lock();
            try
            {
                published.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }
}
