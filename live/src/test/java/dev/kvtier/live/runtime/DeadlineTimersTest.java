package dev.kvtier.live.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineTimersTest
{
    private static List<Long> fireAll(final DeadlineTimers timers, final long nowNs)
    {
        final List<Long> fired = new ArrayList<>();
        while (timers.due(nowNs))
        {
            fired.add(timers.pop());
        }
        return fired;
    }

    @Test
    void shouldFireByDeadlineThenBySchedulingOrder()
    {
        final DeadlineTimers timers = new DeadlineTimers();
        timers.schedule(7, 300);
        timers.schedule(8, 100);
        timers.schedule(9, 100);
        timers.schedule(6, 200);
        assertThat(timers.nextDeadline()).isEqualTo(100);
        assertThat(fireAll(timers, 250)).containsExactly(8L, 9L, 6L);
        assertThat(fireAll(timers, 300)).containsExactly(7L);
        assertThat(timers.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldReplaceARescheduledTimerAndIgnoreCancellingOneNotPending()
    {
        final DeadlineTimers timers = new DeadlineTimers();
        timers.schedule(1, 100);
        timers.schedule(1, 50);
        timers.schedule(2, 70);
        timers.cancel(2);
        timers.cancel(42);
        timers.schedule(3, 60);
        assertThat(fireAll(timers, 1_000)).containsExactly(1L, 3L);
        timers.cancel(1);
        assertThat(timers.pendingCount()).isZero();
    }

    @Test
    void shouldStayBoundedWhenOneTimerIsReArmedManyTimes()
    {
        final DeadlineTimers timers = new DeadlineTimers();
        for (int i = 0; i < 100_000; i++)
        {
            timers.schedule(5, 1_000_000 + i);
        }
        timers.schedule(6, 10);
        assertThat(fireAll(timers, 1_000_000 + 99_999)).containsExactly(6L, 5L);
    }
}
