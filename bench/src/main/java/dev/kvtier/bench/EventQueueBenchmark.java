package dev.kvtier.bench;

import dev.kvtier.sim.event.EventQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The hold model of discrete-event simulation: a fixed number of pending events; each operation pops the earliest
 * and schedules one successor a random delay later. Measures {@link EventQueue} against a
 * {@code PriorityQueue<Event>} baseline, in the same JMH run so that the ratio is what counts. Besides JMH's score
 * (per wall second) each method counts its events and the benchmark thread's CPU time ({@code events / cpuNanos}):
 * on a machine shared with other work the wall-clock score follows the share of a core the benchmark gets, the
 * CPU-time rate does not ({@code bench/event-queue.sh} prints both and their ratios).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class EventQueueBenchmark
{
    /** Events dispatched per benchmark invocation. */
    static final int BATCH = 10_000;

    /** Pending events held in the queue. */
    @Param({"1000", "100000", "1000000"})
    public int pending;

    private EventQueue primitive;
    private PriorityQueue<Event> baseline;
    private long xorshift;
    private long seq;
    private long checksum;

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** Events dispatched and the benchmark thread's CPU time spent on them, totals per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Work
    {
        public long events;
        public long cpuNanos;
    }

    /** One event of the baseline: the object-per-event design of most Java simulators. */
    record Event(long time, long seq, int payload) implements Comparable<Event>
    {
        @Override
        public int compareTo(final Event o)
        {
            final int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Fills both queues with the same pending events. */
    @Setup(Level.Trial)
    public void setUp()
    {
        xorshift = 0x9E3779B97F4A7C15L;
        primitive = new EventQueue(pending);
        baseline = new PriorityQueue<>(pending);
        for (int i = 0; i < pending; i++)
        {
            final long t = next() & 0xFFFF;
            primitive.push(t, i);
            baseline.add(new Event(t, seq++, i));
        }
    }

    private long next()
    {
        xorshift = xorshift(xorshift);
        return xorshift;
    }

    /** One step of Marsaglia's xorshift64: the delays of the hold model, the same in every harness of it. */
    static long xorshift(final long state)
    {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    /** kvtier's 4-ary primitive heap. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long primitiveHeap(final Work work)
    {
        final long start = CPU.getCurrentThreadCpuTime();
        final EventQueue q = primitive;
        for (int i = 0; i < BATCH; i++)
        {
            final int payload = q.pop();
            final long now = q.lastTime();
            checksum += payload;
            q.push(now + 1 + (next() & 0xFFFF), payload);
        }
        work.cpuNanos += CPU.getCurrentThreadCpuTime() - start;
        work.events += BATCH;
        return checksum;
    }

    /** java.util.PriorityQueue of event objects, the baseline. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long priorityQueue(final Work work)
    {
        final long start = CPU.getCurrentThreadCpuTime();
        final PriorityQueue<Event> q = baseline;
        for (int i = 0; i < BATCH; i++)
        {
            final Event e = q.poll();
            checksum += e.payload();
            q.add(new Event(e.time() + 1 + (next() & 0xFFFF), seq++, e.payload()));
        }
        work.cpuNanos += CPU.getCurrentThreadCpuTime() - start;
        work.events += BATCH;
        return checksum;
    }
}
