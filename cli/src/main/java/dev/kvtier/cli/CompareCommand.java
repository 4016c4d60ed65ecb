package dev.kvtier.cli;

import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.sim.sweep.SweepShard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kvtier compare}: the same trace and seed through several cluster variants (prefetch or write policies,
 * routers, capacities…), run in parallel on all cores, printed side by side.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run serving variants of one trace and seed in parallel and compare them side by side.",
        "Example: kvtier compare --cluster mooncake-16 --vary serving.prefetch_policy=best_effort,wait_complete,"
            + "timeout"})
public final class CompareCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServingSetup serving;

    @Mixin
    private WorkloadInput workload;


    @Option(names = "--vary", required = true, paramLabel = "PATH=V1,V2,...",
        description = "A config field and the values to try; several --vary give their product.")
    private List<String> vary;



    @Option(names = "--json", description = "Print the comparison as JSON instead of the table.")
    private boolean json;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Also write report.json, requests-N.csv, ttft_cdf.png and hits_by_tier.png into DIR.")
    private Path outDir;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel variants (default: available cores).")
    private Integer threads;

    @Option(names = "--shard", paramLabel = "I/N",
        description = "Run only variants i with i mod N = I (0 <= I < N) and print their partial report as JSON, "
            + "for 'kvtier merge'.")
    private String shard;

    @Option(names = "--no-progress", description = "Never show a progress bar.")
    private boolean noProgress;

    private SweepShard parseShard()
    {
        try
        {
            return SweepShard.parse(shard);
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--shard " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception
    {
        if (threads != null && threads < 1)
        {
            throw new BadInputException("--threads: must be >= 1");
        }
        if (shard != null && outDir != null)
        {
            throw new BadInputException("--out: not with --shard; a shard prints its partial report, and "
                + "'kvtier merge' of all parts prints the whole one");
        }
        serving.options(workload.seed);
        OutputFile.checkDirectory(outDir, "--out");
        final var allVariants = ServingVariants.product(vary);
        final SweepShard part = shard == null ? null : parseShard();
        final List<Integer> positions = part == null ? null : part.positions(allVariants.size());
        final var variants = part == null ? allVariants : positions.stream().map(allVariants::get).toList();
        final var records = workload.records();
        final String source = workload.sourceName();
        final long n = (serving.limit > 0 ? Math.min(serving.limit, records.size()) : records.size())
            * variants.size();
        final List<ServingReport> reports;
        try (ProgressReporter progress = new ProgressReporter("compare", n, !noProgress))
        {
            reports = ServingVariants.run(serving, variants, records, source, workload.seed,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), progress);
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (part != null)
        {
            out.print(ServingVariants.shardJson(part, allVariants.size(), positions, reports, !serving.noTiming,
                ServingVariants.sweepId(serving, allVariants, records, workload.seed)));
            out.flush();
            return 0;
        }
        out.print(json ? ServingVariants.compareJson(reports, !serving.noTiming) : ServingVariants.table(reports));
        out.flush();
        if (outDir != null)
        {
            ServingVariants.writeOutputs(outDir, reports, !serving.noTiming);
            spec.commandLine().getErr().println("wrote report.json, requests-N.csv, ttft_cdf.png, hits_by_tier.png "
                + "to " + outDir);
        }
        return 0;
    }
}
