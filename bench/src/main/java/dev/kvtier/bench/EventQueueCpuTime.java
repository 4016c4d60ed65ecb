package dev.kvtier.bench;

import dev.kvtier.sim.event.EventQueue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * {@link EventQueueBenchmark}'s hold model timed by the thread's CPU time rather than the wall clock, the two queues
 * alternated in rounds in one JVM: on a machine shared with other work, wall-clock throughput follows the share of
 * a core the benchmark gets, while CPU time and a ratio paired round by round do not.
 * Arguments: pending events, events per round, rounds.
 */
public final class EventQueueCpuTime
{
    private static final int WARM_UP_ROUNDS = 3;

    private long xorshift = 0x9E3779B97F4A7C15L;
    private long seq;
    private long checksum;

    private EventQueueCpuTime()
    {
    }

    public static void main(final String[] args)
    {
        final int pending = Integer.parseInt(args[0]);
        final int events = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        new EventQueueCpuTime().run(pending, events, rounds);
    }

    private void run(final int pending, final int events, final int rounds)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final EventQueue primitive = new EventQueue(pending);
        final PriorityQueue<EventQueueBenchmark.Event> baseline = new PriorityQueue<>(pending);
        for (int i = 0; i < pending; i++)
        {
            final long t = next() & 0xFFFF;
            primitive.push(t, i);
            baseline.add(new EventQueueBenchmark.Event(t, seq++, i));
        }
        final double[] primitiveRate = new double[rounds];
        final double[] baselineRate = new double[rounds];
        final double[] ratio = new double[rounds];
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++)
        {
            final long c0 = threads.getCurrentThreadCpuTime();
            primitive(primitive, events);
            final long c1 = threads.getCurrentThreadCpuTime();
            baseline(baseline, events);
            final long c2 = threads.getCurrentThreadCpuTime();
            if (round >= 0)
            {
                primitiveRate[round] = events / ((c1 - c0) / 1e9);
                baselineRate[round] = events / ((c2 - c1) / 1e9);
                ratio[round] = primitiveRate[round] / baselineRate[round];
            }
        }
        System.out.printf("pending %,d: EventQueue %.2f M, PriorityQueue %.2f M events per CPU second (medians of %d "
            + "rounds); paired ratio median %.2fx, range %.2f-%.2fx (checksum %d)%n", pending,
            median(primitiveRate) / 1e6, median(baselineRate) / 1e6, rounds, median(ratio),
            Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0), checksum);
    }

    private void primitive(final EventQueue q, final int events)
    {
        for (int i = 0; i < events; i++)
        {
            final int payload = q.pop();
            final long now = q.lastTime();
            checksum += payload;
            q.push(now + 1 + (next() & 0xFFFF), payload);
        }
    }

    private void baseline(final PriorityQueue<EventQueueBenchmark.Event> q, final int events)
    {
        for (int i = 0; i < events; i++)
        {
            final EventQueueBenchmark.Event e = q.poll();
            checksum += e.payload();
            q.add(new EventQueueBenchmark.Event(e.time() + 1 + (next() & 0xFFFF), seq++, e.payload()));
        }
    }

    private long next()
    {
        xorshift = EventQueueBenchmark.xorshift(xorshift);
        return xorshift;
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
