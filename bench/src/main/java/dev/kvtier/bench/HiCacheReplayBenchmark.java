package dev.kvtier.bench;

import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hicache.HiCacheResult;
import dev.kvtier.sim.hicache.HiCacheScenario;
import dev.kvtier.sim.hicache.HiCacheSweep;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The clock-free HiCache replay as {@code kvtier sim --mode hicache --threads 1} runs it: the four write policies
 * one after another on one trace at one L1/L2 pair, each on fresh radix caches, in the sweep's order
 * ({@link HiCacheSweep}). {@code warm} is the steady state (JMH's warm-up iterations take the JIT's); {@code cold}
 * is the first pass of a fresh JVM, the JIT's warm-up inside, as one command run sees it: with C1 alone, as the
 * launcher compiles a run this small. Page touches per second of simulation = the {@code touches} counter over the
 * {@code cpuNanos} counter ({@code bench/hicache-policies.sh} prints it). The trace is
 * {@code ../shared/traces/conversation_trace.jsonl} from the repository root (override with {@code -p trace=FILE};
 * one policy's figure: {@code -p policies=boundary_l1_l2});
 * where it is absent, the built-in synthetic workload.
 */
@State(Scope.Benchmark)
public class HiCacheReplayBenchmark
{
    @Param("../shared/traces/conversation_trace.jsonl")
    public String trace;

    @Param("1000")
    public int l1Pages;

    @Param("4000")
    public int l2Pages;

    /** The write policies to run, comma-separated, or {@code all} (the four, as the command runs them). */
    @Param("all")
    public String policies;

    private BlockTrace blocks;
    private List<HiCacheScenario> scenarios;

    /**
     * What an iteration did: page references replayed and the benchmark thread's CPU time spent on them, both as
     * totals per iteration, so that {@code touches / cpuNanos} is the figure {@code kvtier sim} prints (simulation
     * time is the sweep thread's CPU time; JMH's own score is per wall second, which other processes on a shared
     * machine stretch).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Work
    {
        public long touches;
        public long cpuNanos;
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void load() throws IOException
    {
        final Path path = Path.of(trace);
        if (Files.isRegularFile(path))
        {
            try (MooncakeTraceReader reader = MooncakeTraceReader.open(path))
            {
                blocks = BlockTrace.load(reader);
            }
        }
        else
        {
            System.out.println("# " + path + " is absent: the built-in synthetic workload instead");
            blocks = BlockTrace.load(new ChatWorkloadGenerator(ChatWorkloadConfig.defaults()).generate().iterator());
        }
        final List<HiCacheScenario> each = new ArrayList<>();
        for (final WritePolicy policy : WritePolicy.values())
        {
            if ("all".equals(policies) || List.of(policies.split(",")).contains(policy.cliName()))
            {
                each.add(new HiCacheScenario(policy, l1Pages, l2Pages, 0, 0, 1, PoolPlacement.GLOBAL,
                    HitRouting.ROUND_ROBIN, 2));
            }
        }
        if (each.isEmpty())
        {
            throw new IllegalArgumentException("-p policies=" + policies + " names no write policy: use all or "
                + "write_through, write_through_selective, write_back, boundary_l1_l2, comma-separated");
        }
        scenarios = List.copyOf(each);
        System.out.println("# " + blocks.blockRefs() + " page references per policy, " + each.size()
            + " policies");
    }

    private long fourPolicies(final Work work)
    {
        final long start = CPU.getCurrentThreadCpuTime();
        long hits = 0;
        for (final HiCacheResult r : HiCacheSweep.run(blocks, scenarios, 42, 1, null))
        {
            hits += r.counts().hashCode();
        }
        work.cpuNanos += CPU.getCurrentThreadCpuTime() - start;
        work.touches += HiCacheSweep.work(blocks, scenarios);
        return hits;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 5, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
    public long warm(final Work work)
    {
        return fourPolicies(work);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 5, jvmArgsAppend = {"-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1"})
    public long cold(final Work work)
    {
        return fourPolicies(work);
    }
}
