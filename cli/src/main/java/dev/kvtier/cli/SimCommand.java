package dev.kvtier.cli;

import dev.kvtier.model.cache.EvictionPolicy;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.sim.hits.HitCounts;
import dev.kvtier.sim.hits.HitReplay;
import dev.kvtier.sim.hits.HitResult;
import dev.kvtier.sim.hits.HitScenario;
import dev.kvtier.sim.hits.HitSweep;
import dev.kvtier.sim.report.HitReport;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.sim.serving.ServingRecording;
import dev.kvtier.sim.sweep.ServingVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code kvtier sim}: replays a trace (or the built-in workload) and compares cache policies. With no arguments it
 * sweeps every eviction policy over capacities sized to the workload and prints a table.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Replay a trace (default: the built-in chat workload) and compare cache policies.",
        "Mode 'hits' counts prefix hits per eviction policy and capacity, with no timing.",
        "Mode 'hicache' replays the trace through the serving simulator's radix cache with no clock: L1/L2 per",
        "node over a shared L3, every write policy, hits by tier, evictions and residency.",
        "Mode 'serving' (or any --cluster) replays the trace through a timed cluster: HiCache L1/L2/L3, prefetch,",
        "write policies, PD disaggregation and routing, and reports TTFT, ITL, hits by tier and throughput."})
public final class SimCommand implements Callable<Integer>
{
    /** Simulation modes. */
    enum Mode
    {
        hits, hicache, serving
    }

    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.Mixin
    private ServingSetup serving;

    @picocli.CommandLine.Mixin
    private WorkloadInput workload;

    @picocli.CommandLine.Mixin
    private HiCacheOptions hicache;

    @Option(names = "--mode", defaultValue = "hits", description = "Simulation mode: ${COMPLETION-CANDIDATES} "
        + "(default: ${DEFAULT-VALUE}).")
    private Mode mode;

    @Option(names = "--eviction", split = ",", paramLabel = "POLICY", converter = PolicyConverter.class,
        description = "Eviction policies, comma separated: lru, lfu, fifo, s3fifo, pflru, opt "
            + "(default: all).")
    private List<EvictionPolicy> evictions;

    @Option(names = "--capacity-blocks", split = ",", paramLabel = "N",
        description = "Total cache capacities in 512-token blocks, comma separated "
            + "(default: 1%%, 2%%, 5%%, 10%%, 25%% and 50%% of the trace's unique blocks).")
    private List<Integer> capacities;

    @Option(names = "--nodes", split = ",", defaultValue = "1", paramLabel = "K",
        description = "Serving nodes, comma separated for several (default: ${DEFAULT-VALUE}).")
    private List<Integer> nodes;

    @Option(names = "--placement", split = ",", defaultValue = "global", paramLabel = "global|local",
        description = "One global pool of the whole capacity, or one pool of capacity/K per node "
            + "(default: ${DEFAULT-VALUE}).")
    private List<String> placements;

    @Option(names = "--routing", split = ",", defaultValue = "round_robin",
        paramLabel = "round_robin|random|prefix_hash",
        description = "Request routing with local placement (default: ${DEFAULT-VALUE}).")
    private List<String> routings;

    @Option(names = "--prefix-hash-blocks", defaultValue = "2", paramLabel = "N",
        description = "Prefix depth that prefix_hash routing hashes (default: ${DEFAULT-VALUE}).")
    private int prefixHashBlocks;

    @Option(names = "--json", description = "Print the JSON report on standard output instead of the table.")
    private boolean json;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Also write report.json, results.csv and hit_ratio.png into DIR.")
    private Path outDir;

    @Option(names = "--trace-dir", paramLabel = "DIR",
        description = "Serving mode: also record the run (header, arrivals, outcomes) as a recorded trace in DIR, "
            + "a new or empty directory.")
    private Path traceDir;

    @Option(names = "--threads", paramLabel = "N",
        description = "Worker threads for the sweep (default: available cores).")
    private Integer threads;

    @Option(names = "--no-progress", description = "Never show a progress bar.")
    private boolean noProgress;

    /** Options that the serving simulation reads alone. */
    private static final List<String> SERVING = List.of("--set", "--model-path", "--spread-arrivals",
        "--bucket-ms", "--rate-scale", "--ttft-slo-ms", "--itl-slo-ms", "--trace-dir", "--page-size",
        "--tp-size", "--mem-fraction-static", "--chunked-prefill-size", "--max-running-requests", "--hicache-ratio",
        "--hicache-size", "--hicache-write-policy", "--hicache-storage-prefetch-policy", "--hicache-storage-backend",
        "--radix-eviction-policy");

    /** Options that the hicache mode reads alone. */
    private static final List<String> HICACHE = List.of("--l1-pages", "--l2-pages", "--l3-pages", "--write-policy",
        "--write-through-threshold");

    /** Options that the hit replay and the hicache mode share (their pools, routing and sweep threads). */
    private static final List<String> POOLS = List.of("--nodes", "--placement", "--routing", "--prefix-hash-blocks",
        "--threads");

    /**
     * The modes that read each mode-specific option; one given in another mode is refused rather than ignored.
     * Options not listed ({@code --trace}, {@code --seed}, {@code --json}, {@code --out}, …) apply to every mode.
     */
    private static final Map<String, Set<Mode>> READ_BY = readBy();

    private static Map<String, Set<Mode>> readBy()
    {
        final Map<String, Set<Mode>> m = new LinkedHashMap<>();
        m.put("--capacity-blocks", EnumSet.of(Mode.hits));
        m.put("--eviction", EnumSet.of(Mode.hits, Mode.serving));
        POOLS.forEach(o -> m.put(o, EnumSet.of(Mode.hits, Mode.hicache)));
        HICACHE.forEach(o -> m.put(o, EnumSet.of(Mode.hicache)));
        SERVING.forEach(o -> m.put(o, EnumSet.of(Mode.serving)));
        m.put("--limit", EnumSet.of(Mode.hicache, Mode.serving));
        return Collections.unmodifiableMap(m);
    }

    @Override
    public Integer call() throws Exception
    {
        final Mode run = mode();
        refuseOptionsOtherModesRead(run);
        OutputFile.checkDirectory(outDir, "--out");
        if (run == Mode.serving)
        {
            servingEviction();
            return runServing();
        }
        validate();
        if (mode == Mode.hicache)
        {
            return hicache.run(new HiCacheOptions.Shared(workload, serving.limit, nodes,
                parse(placements, "--placement", PoolPlacement::parse), parse(routings, "--routing", HitRouting::parse),
                prefixHashBlocks, threads != null ? threads : Runtime.getRuntime().availableProcessors(), json, outDir,
                !noProgress), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        final long wallStart = System.nanoTime();
        final BlockTrace blocks = workload.blocks();
        warnWholeTrace(blocks);
        final String source = workload.sourceName();
        final List<HitScenario> scenarios = scenarios(blocks);
        final int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        requireHeap(blocks, scenarios, workers);
        final List<HitResult> results;
        try (ProgressReporter progress = new ProgressReporter("sim " + mode, HitSweep.work(blocks, scenarios),
            !noProgress))
        {
            results = HitSweep.run(blocks, scenarios, workload.seed, workers, progress);
        }
        final HitCounts ideal = HitReplay.ideal(blocks);
        final HitReport report = new HitReport(source, blocks.stats(), ideal, results, workload.seed);
        final double wallSeconds = (System.nanoTime() - wallStart) / 1e9;

        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.print(report.toJsonString());
        }
        else
        {
            out.print(HitTable.render(report, source, wallSeconds));
        }
        out.flush();
        if (outDir != null)
        {
            writeOutputs(report);
            spec.commandLine().getErr().println("wrote report.json, results.csv, hit_ratio.png to " + outDir);
        }
        return 0;
    }

    private int runServing() throws Exception
    {
        serving.options(workload.seed);
        if (traceDir != null)
        {
            TraceDirs.requireEmpty(traceDir, "--trace-dir");
        }
        final var records = workload.records();
        final String source = workload.sourceName();
        final var variants = List.of(new ServingVariant(
            serving.cluster == null ? ServingSetup.DEFAULT_CLUSTER : serving.cluster, Map.of()));
        final List<ServingReport> reports;
        final long n = serving.limit > 0 ? Math.min(serving.limit, records.size()) : records.size();
        try (ProgressReporter progress = new ProgressReporter("sim serving", n, !noProgress))
        {
            reports = ServingVariants.run(serving, variants, records, source, workload.seed, 1, progress);
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.print(json ? reports.get(0).json(!serving.noTiming) : ServingVariants.table(reports));
        out.flush();
        if (outDir != null)
        {
            ServingVariants.writeOutputs(outDir, reports, !serving.noTiming);
            spec.commandLine().getErr().println("wrote report.json, requests.csv, ttft_cdf.png, hits_by_tier.png to "
                + outDir);
        }
        if (traceDir != null)
        {
            final int recorded = ServingRecording.write(traceDir, reports.get(0).result(), records, source,
                TraceDirs.versions());
            spec.commandLine().getErr().println("recorded " + recorded + " requests (arrivals and outcomes) to "
                + traceDir);
        }
        return 0;
    }

    /**
     * {@code --eviction} in serving mode is the L1/L2 eviction order ({@code serving.eviction_policy}): one policy
     * that has a radix-tree form; several are a comparison, which {@code compare --vary} runs.
     */
    private void servingEviction()
    {
        if (evictions == null)
        {
            return;
        }
        if (new LinkedHashSet<>(evictions).size() > 1)
        {
            throw new BadInputException("--eviction: serving mode runs one L1/L2 policy; compare several with "
                + "'kvtier compare --vary serving.eviction_policy=lru,lfu,fifo'");
        }
        try
        {
            serving.eviction(RadixEvictionPolicy.of(evictions.get(0)).label());
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--eviction: " + e.getMessage());
        }
    }

    /** The mode that runs: {@code --mode}, or serving with {@code --cluster}, which another explicit mode refutes. */
    private Mode mode()
    {
        if (serving.cluster == null)
        {
            return mode;
        }
        if (mode != Mode.serving && spec.commandLine().getParseResult().hasMatchedOption("--mode"))
        {
            throw new BadInputException("--mode " + mode + ": --cluster runs the serving simulation; leave out "
                + "--cluster to run --mode " + mode + ", or --mode to run the cluster");
        }
        return Mode.serving;
    }

    /** One line naming the first option given that the chosen mode would ignore, and the modes that read it. */
    private void refuseOptionsOtherModesRead(final Mode run)
    {
        final var parsed = spec.commandLine().getParseResult();
        for (final var e : READ_BY.entrySet())
        {
            if (!e.getValue().contains(run) && parsed.hasMatchedOption(e.getKey()))
            {
                throw new BadInputException(e.getKey() + ": not used in " + modeName(run) + "; it applies to "
                    + modeNames(e.getValue()) + " (leave it out)");
            }
        }
    }

    private static String modeName(final Mode m)
    {
        return m == Mode.serving ? "serving mode (--cluster)" : m + " mode";
    }

    private static String modeNames(final Set<Mode> modes)
    {
        final List<String> names = new ArrayList<>();
        for (final Mode m : modes)
        {
            names.add(m == Mode.serving ? "the serving simulation (add --cluster PRESET|FILE)" : "--mode " + m);
        }
        return String.join(" and ", names);
    }

    /**
     * Bytes a hit replay keeps per block id and pool (a policy's link, residency and frequency arrays), an upper
     * bound over the policies; a pool's arrays span the trace's whole id space, whatever its capacity.
     */
    private static final long BYTES_PER_BLOCK_AND_POOL = 48;

    /** Refuses, before allocating anything, a sweep whose pools cannot fit the heap (100,000 local pools). */
    private void requireHeap(final BlockTrace blocks, final List<HitScenario> scenarios, final int workers)
    {
        long widest = 0;
        for (final HitScenario sc : scenarios)
        {
            widest = Math.max(widest, sc.placement() == PoolPlacement.LOCAL ? sc.nodes() : 1);
        }
        final long concurrent = Math.min(workers, scenarios.size());
        final long need = widest * blocks.idSpace() * BYTES_PER_BLOCK_AND_POOL * concurrent;
        final long heap = Runtime.getRuntime().maxMemory();
        if (need > heap * 0.8)
        {
            throw new BadInputException(String.format(Locale.ROOT, "--nodes: %,d local pools of %,d block "
                    + "ids each need about %,d MiB (%d replays at once), more than the JVM's %,d MiB heap; give fewer "
                    + "--nodes or --threads, or more heap (KVTIER_JAVA_OPTS=-Xmx%dg)", widest, blocks.idSpace(),
                need >> 20, concurrent, heap >> 20, Math.max(1, (long)Math.ceil(need * 1.25 / (1L << 30)))));
        }
    }

    /** A capacity that holds every unique block makes every policy ideal: say so rather than let it pass. */
    private void warnWholeTrace(final BlockTrace blocks)
    {
        if (capacities == null)
        {
            return;
        }
        final long unique = blocks.stats().uniqueBlocks();
        if (unique == 0)
        {
            spec.commandLine().getErr().printf(Locale.ROOT, "kvtier sim: warning: %s has no prefix blocks "
                + "(every hash_ids is empty), so there is nothing to cache and every hit ratio is 0%n",
                workload.sourceName());
            return;
        }
        for (final int c : new LinkedHashSet<>(capacities))
        {
            if (c >= unique)
            {
                spec.commandLine().getErr().printf(Locale.ROOT, "kvtier sim: warning: --capacity-blocks "
                    + "%,d holds all %,d unique blocks of %s, so every policy reaches the ideal hit ratio there; "
                    + "give capacities below %,d to compare policies%n", c, unique, workload.sourceName(), unique);
            }
        }
    }

    private void validate()
    {
        if (capacities != null)
        {
            for (final int c : capacities)
            {
                if (c < 0)
                {
                    throw new ParameterException(spec.commandLine(),
                        "--capacity-blocks: " + c + " is negative; give block counts >= 0");
                }
            }
        }
        for (final int k : nodes)
        {
            if (k < 1)
            {
                throw new ParameterException(spec.commandLine(), "--nodes: " + k + " must be >= 1");
            }
        }
        if (prefixHashBlocks < 1)
        {
            throw new ParameterException(spec.commandLine(), "--prefix-hash-blocks: must be >= 1");
        }
        if (threads != null && threads < 1)
        {
            throw new ParameterException(spec.commandLine(), "--threads: must be >= 1");
        }
        workload.validate();
        parse(placements, "--placement", PoolPlacement::parse);
        parse(routings, "--routing", HitRouting::parse);
    }

    private <T> List<T> parse(final List<String> values, final String option,
        final Function<String, T> parser)
    {
        final List<T> parsed = new ArrayList<>();
        for (final String v : values)
        {
            try
            {
                parsed.add(parser.apply(v));
            }
            catch (final IllegalArgumentException e)
            {
                throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }
        return parsed;
    }

    private List<HitScenario> scenarios(final BlockTrace blocks)
    {
        final List<EvictionPolicy> policies = evictions == null ? List.of(EvictionPolicy.values()) : evictions;
        final List<Integer> caps = capacities == null ? defaultCapacities(blocks.idSpace()) : capacities;
        final List<HitScenario> out = new ArrayList<>();
        for (final int k : new LinkedHashSet<>(nodes))
        {
            for (final PoolPlacement placement
                : new LinkedHashSet<>(parse(placements, "--placement", PoolPlacement::parse)))
            {
                for (final HitRouting routing : new LinkedHashSet<>(parse(routings, "--routing", HitRouting::parse)))
                {
                    if ((k == 1 || placement == PoolPlacement.GLOBAL) && routing != HitRouting.parse(routings.get(0)))
                    {
                        continue;
                    }
                    for (final int cap : new LinkedHashSet<>(caps))
                    {
                        for (final EvictionPolicy p : new LinkedHashSet<>(policies))
                        {
                            out.add(new HitScenario(p, cap, k, placement, routing, prefixHashBlocks));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Capacities that span the interesting part of the curve, as shares of the unique blocks. */
    static List<Integer> defaultCapacities(final int uniqueBlocks)
    {
        final double[] shares = {0.01, 0.02, 0.05, 0.10, 0.25, 0.50};
        final List<Integer> caps = new ArrayList<>();
        for (final double s : shares)
        {
            final int c = roundTwoDigits(Math.max(1, (int)Math.round(uniqueBlocks * s)));
            if (!caps.contains(c))
            {
                caps.add(c);
            }
        }
        return caps;
    }

    private static int roundTwoDigits(final int v)
    {
        if (v < 100)
        {
            return v;
        }
        final int scale = (int)Math.pow(10, (int)Math.log10(v) - 1);
        return (int)Math.round((double)v / scale) * scale;
    }

    private void writeOutputs(final HitReport report) throws Exception
    {
        OutputFile.directory(outDir, "--out");
        OutputFile.write(outDir.resolve("report.json"), report.toJsonString().getBytes(StandardCharsets.UTF_8));
        OutputFile.write(outDir.resolve("results.csv"), report.toCsv().getBytes(StandardCharsets.UTF_8));
        OutputFile.write(outDir.resolve("hit_ratio.png"), HitPlot.png(report));
    }

    /** Converts a policy name, listing the valid names on error. */
    static final class PolicyConverter implements picocli.CommandLine.ITypeConverter<EvictionPolicy>
    {
        @Override
        public EvictionPolicy convert(final String value)
        {
            try
            {
                return EvictionPolicy.parse(value);
            }
            catch (final IllegalArgumentException e)
            {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
