package dev.kvtier.cli;

import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hicache.HiCacheResult;
import dev.kvtier.sim.hicache.HiCacheScenario;
import dev.kvtier.sim.hicache.HiCacheSweep;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.sim.hits.HitReplay;
import dev.kvtier.sim.report.HiCacheReport;
import dev.kvtier.sim.serving.ServingOptions;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code kvtier sim --mode hicache}: the options of the clock-free L1/L2/L3 replay on the serving simulator's radix
 * cache, and the run (variants as the product of the lists, in parallel; table or JSON; files with {@code --out}).
 * A picocli mixin of {@code sim}, which lends it the trace, topology and output options it shares with hits mode.
 */
final class HiCacheOptions
{
    @Option(names = "--l1-pages", split = ",", defaultValue = "1000", paramLabel = "N",
        description = "Hicache mode: device (L1) pages, comma separated; split over nodes with local placement "
            + "(default: ${DEFAULT-VALUE}).")
    List<Integer> l1Pages;

    @Option(names = "--l2-pages", split = ",", defaultValue = "4000", paramLabel = "M",
        description = "Hicache mode: host (L2) pages, comma separated; may be smaller than L1 "
            + "(default: ${DEFAULT-VALUE}).")
    List<Integer> l2Pages;

    @Option(names = "--l3-pages", split = ",", defaultValue = "0", paramLabel = "K",
        description = "Hicache mode: store (L3) pages shared by all nodes, comma separated; 0 = no store "
            + "(default: ${DEFAULT-VALUE}).")
    List<Integer> l3Pages;

    @Option(names = "--write-policy", split = ",", paramLabel = "POLICY",
        description = "Hicache mode: write_through, write_through_selective, write_back, boundary_l1_l2 "
            + "(default: all).")
    List<String> writePolicies;

    @Option(names = "--write-through-threshold", paramLabel = "N",
        description = "Hicache mode: hits before a page's host write under write_through and "
            + "write_through_selective (default: 1 and 2, SGLang's).")
    Integer writeThroughThreshold;

    /** The shared options of {@code sim} that this mode reads. */
    record Shared(WorkloadInput workload, int limit, List<Integer> nodes, List<PoolPlacement> placements,
        List<HitRouting> routings, int prefixHashBlocks, int threads, boolean json, Path outDir, boolean progress)
    {
    }

    int run(final Shared shared, final PrintWriter out, final PrintWriter err) throws Exception
    {
        final List<HiCacheScenario> scenarios = scenarios(shared);
        final BlockTrace blocks = shared.workload().blocks(shared.limit());
        final String source = shared.workload().sourceName();
        final List<HiCacheResult> results;
        final long start;
        final long end;
        final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        final long cpuStart = cpu.getCurrentThreadCpuTime();
        try (ProgressReporter progress = new ProgressReporter("sim hicache", HiCacheSweep.work(blocks, scenarios),
            shared.progress()))
        {
            start = System.nanoTime();
            results = HiCacheSweep.run(blocks, scenarios, shared.workload().seed, shared.threads(), progress);
            end = System.nanoTime();
        }
        final long cpuNanos = shared.threads() <= 1 || scenarios.size() <= 1
            ? cpu.getCurrentThreadCpuTime() - cpuStart : -1;
        final HiCacheReport report = new HiCacheReport(source, blocks.stats(), HitReplay.ideal(blocks), results,
            shared.workload().seed);
        out.print(shared.json() ? report.toJsonString() : HiCacheTable.render(report, source, (end - start) / 1e9,
            cpuNanos / 1e9));
        out.flush();
        if (shared.outDir() != null)
        {
            final Path dir = shared.outDir();
            OutputFile.directory(dir, "--out");
            OutputFile.write(dir.resolve("report.json"), report.toJsonString().getBytes(StandardCharsets.UTF_8));
            OutputFile.write(dir.resolve("results.csv"), report.toCsv().getBytes(StandardCharsets.UTF_8));
            OutputFile.write(dir.resolve("hits_by_tier.png"), HiCachePlot.hitsByTier(report));
            final List<String> names = new ArrayList<>(List.of("report.json", "results.csv", "hits_by_tier.png"));
            for (final Map.Entry<String, byte[]> e : HiCachePlot.heatMaps(report).entrySet())
            {
                final String name = "l1_l2_heatmap_" + e.getKey() + ".png";
                OutputFile.write(dir.resolve(name), e.getValue());
                names.add(name);
            }
            err.println("wrote " + String.join(", ", names) + " to " + dir);
        }
        return 0;
    }

    private List<HiCacheScenario> scenarios(final Shared shared)
    {
        ServingOptions.requireLimit(shared.limit());
        checkPages(l1Pages, "--l1-pages");
        checkPages(l2Pages, "--l2-pages");
        checkPages(l3Pages, "--l3-pages");
        if (writeThroughThreshold != null && writeThroughThreshold < 1)
        {
            throw new BadInputException("--write-through-threshold: " + writeThroughThreshold
                + " must be >= 1 (hits before a page is written to host)");
        }
        final List<WritePolicy> policies = new ArrayList<>();
        if (writePolicies == null)
        {
            policies.addAll(List.of(WritePolicy.values()));
        }
        else
        {
            for (final String p : writePolicies)
            {
                try
                {
                    policies.add(WritePolicy.parse(p.trim()));
                }
                catch (final IllegalArgumentException e)
                {
                    throw new BadInputException("--write-policy: " + e.getMessage());
                }
            }
        }
        final int threshold = writeThroughThreshold == null ? 0 : writeThroughThreshold;
        final List<HiCacheScenario> out = new ArrayList<>();
        for (final int k : new LinkedHashSet<>(shared.nodes()))
        {
            for (final PoolPlacement placement : new LinkedHashSet<>(shared.placements()))
            {
                for (final HitRouting routing : new LinkedHashSet<>(shared.routings()))
                {
                    if ((k == 1 || placement == PoolPlacement.GLOBAL) && routing != shared.routings().get(0))
                    {
                        continue;
                    }
                    for (final int l3 : new LinkedHashSet<>(l3Pages))
                    {
                        for (final int l1 : new LinkedHashSet<>(l1Pages))
                        {
                            for (final int l2 : new LinkedHashSet<>(l2Pages))
                            {
                                for (final WritePolicy p : new LinkedHashSet<>(policies))
                                {
                                    out.add(new HiCacheScenario(p, l1, l2, l3, threshold, k, placement, routing,
                                        shared.prefixHashBlocks()));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The largest tier in pages: a billion pages are more than any trace touches (a tier larger than a trace's
     * unique pages holds it all), and far below the counts the tiers' arrays can index.
     */
    private static final int MAX_PAGES = 1_000_000_000;

    private static void checkPages(final List<Integer> pages, final String option)
    {
        for (final int n : pages)
        {
            if (n < 0 || n > MAX_PAGES)
            {
                throw new BadInputException(option + ": " + n + (n < 0 ? " is negative" : " is more than "
                    + "1,000,000,000 pages") + "; give page counts in [0, 1000000000]");
            }
        }
    }
}
