package dev.kvtier.sim.event;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventQueueTest
{
    @Test
    void shouldPopInTimeOrderAndFifoOnTies()
    {
        final EventQueue q = new EventQueue(2);
        q.push(5, 1);
        q.push(3, 2);
        q.push(5, 3);
        q.push(3, 4);
        q.push(0, 5);
        final List<Integer> order = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        while (!q.isEmpty())
        {
            order.add(q.pop());
            times.add(q.lastTime());
        }
        assertThat(order).containsExactly(5, 2, 4, 1, 3);
        assertThat(times).containsExactly(0L, 3L, 3L, 5L, 5L);
    }

    @Test
    void shouldMatchAPriorityQueueReferenceUnderTheHoldModel()
    {
        holdModelAgainstReference(new EventQueue(16));
    }

    @Test
    void shouldKeepTheOrderWhenSequenceNumbersAreRenumbered()
    {
        holdModelAgainstReference(new EventQueue(16, 6000));
    }

    private static void holdModelAgainstReference(final EventQueue q)
    {
        record Ev(long time, long seq, int payload)
        {
        }
        final PriorityQueue<Ev> reference = new PriorityQueue<>(
            Comparator.comparingLong(Ev::time).thenComparingLong(Ev::seq));
        final SplittableRandom random = new SplittableRandom(11);
        long seq = 0;
        for (int i = 0; i < 5000; i++)
        {
            final long t = random.nextInt(100);
            reference.add(new Ev(t, seq++, i));
            q.push(t, i);
        }
        for (int i = 0; i < 200_000; i++)
        {
            final Ev e = reference.poll();
            assertThat(q.pop()).isEqualTo(e.payload());
            assertThat(q.lastTime()).isEqualTo(e.time());
            final long t = e.time() + random.nextInt(64);
            reference.add(new Ev(t, seq++, i));
            q.push(t, i);
            if (i % 3 == 0)
            {
                final long t2 = e.time() + random.nextInt(64);
                reference.add(new Ev(t2, seq++, -i));
                q.push(t2, -i);
            }
            if (i % 3 == 1)
            {
                assertThat(q.pop()).isEqualTo(reference.poll().payload());
            }
        }
        assertThat(q.size()).isEqualTo(reference.size());
    }

    @Test
    void shouldOrderTimesAcrossTheWholeNonNegativeRange()
    {
        // the branch-free comparison subtracts times: the widest differences must still order correctly
        final long[] times = {Long.MAX_VALUE, 0, 1, Long.MAX_VALUE - 1, 2, Long.MAX_VALUE, 0, 1L << 62,
            (1L << 62) - 1, 1L << 32, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 1};
        final EventQueue q = new EventQueue(2);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < times.length; i++)
            {
                q.push(times[i], round * times.length + i);
            }
        }
        record Ev(long time, int payload)
        {
        }
        final List<Ev> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < times.length; i++)
            {
                expected.add(new Ev(times[i], round * times.length + i));
            }
        }
        expected.sort(Comparator.comparingLong(Ev::time).thenComparingInt(Ev::payload));
        for (final Ev e : expected)
        {
            assertThat(q.pop()).isEqualTo(e.payload());
            assertThat(q.lastTime()).isEqualTo(e.time());
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseANegativeTimeAndKeepItsEntries()
    {
        final EventQueue q = new EventQueue(4);
        q.push(5, 1);
        q.push(3, 2);
        q.push(7, 3);
        assertThat(q.pop()).isEqualTo(2);
        // refused while the popped root is still empty: the queue settles as if nothing was pushed
        assertThatThrownBy(() -> q.push(-1, 4))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("event time must be >= 0 (simulation time since the start), got -1");
        assertThatThrownBy(() -> q.push(Long.MAX_VALUE + 10, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.pop()).isEqualTo(1);
        assertThat(q.pop()).isEqualTo(3);
        assertThat(q.isEmpty()).isTrue();
    }
}
