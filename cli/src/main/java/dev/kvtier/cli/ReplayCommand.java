package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.cluster.ConfigFieldException;
import dev.kvtier.sim.replay.RecordedCluster;
import dev.kvtier.sim.replay.RecordedWorkload;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.sim.serving.ServingOptions;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.sim.sweep.ServingSweep;
import dev.kvtier.sim.sweep.ServingVariant;
import dev.kvtier.workloads.recorded.TraceHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kvtier replay}: a recorded run (simulated or live) through the simulator with the recorded configuration,
 * printed beside what the recording saw, so a user can see how far the simulator's prediction is from the run and
 * then ask what would have happened under other settings ({@code --set}, {@code --vary}) on the same arrivals.
 * The variants run as {@code kvtier compare} runs them ({@link ServingSweep}); the figures and the rendering are
 * {@link ReplayReport}'s.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Replay a recorded trace through the simulator with its recorded configuration and print, per "
            + "metric, the recorded value, the simulated value and the error.",
        "Example: kvtier replay --trace-dir rec --vary serving.prefetch_policy=best_effort,wait_complete"})
public final class ReplayCommand implements Callable<Integer>
{
    private static final double TTFT_SLO_MS = 30_000;
    private static final double ITL_SLO_MS = 100;

    @Spec
    private CommandSpec spec;

    @Option(names = "--trace-dir", required = true, paramLabel = "DIR",
        description = "Recorded trace directory (kvtier sim, server or router --trace-dir).")
    private Path traceDir;

    @Option(names = "--cluster", paramLabel = "PRESET|FILE",
        description = "Cluster settings the recording's header lacks (required for a router recording: the "
            + "workers' model, GPU and tiers); the header's own fields win over it.")
    private String cluster;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
        description = "Override one cluster config field in every run, e.g. --set nic.gbps=25 (repeatable).")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--vary", paramLabel = "PATH=V1,V2,...",
        description = "What-if variants beside the recorded configuration; several --vary give their product.")
    private List<String> vary = new ArrayList<>();

    @Option(names = "--model-path", paramLabel = "DIR|config.json",
        description = "The model's Hugging Face config.json, when the recorded model is not a preset.")
    private Path modelPath;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the simulations (default: the header's).")
    private Long seed;

    @Option(names = "--json", description = "Print the replay report as JSON instead of the table.")
    private boolean json;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Also write report.json (the replay report) and simulated.json (the simulated runs' serving "
            + "reports, as kvtier sim/compare --json print them) into DIR.")
    private Path outDir;

    @Option(names = "--no-timing", description = "Leave the wall-clock 'performance' object out of simulated.json.")
    private boolean noTiming;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel simulations (default: available cores).")
    private Integer threads;

    @Option(names = "--no-progress", description = "Never show a progress bar.")
    private boolean noProgress;

    @Override
    public Integer call() throws Exception
    {
        OutputFile.checkDirectory(outDir, "--out");
        if (threads != null && threads < 1)
        {
            throw new BadInputException("--threads: must be >= 1");
        }
        final RecordedWorkload workload = RecordedWorkload.read(traceDir);
        final TraceHeader header = workload.header();
        final RecordedCluster recorded = RecordedCluster.of(header, cluster, overrides, modelPath);
        final List<ServingVariant> runs = new ArrayList<>();
        runs.add(new ServingVariant(baseLabel(), Map.of()));
        runs.addAll(vary.isEmpty() ? List.of() : ServingVariants.product(vary));
        final List<ClusterPlan> plans = new ArrayList<>();
        for (final ServingVariant v : runs)
        {
            final Map<String, String> all = new LinkedHashMap<>(overrides);
            all.putAll(v.overrides());
            try
            {
                plans.add(ClusterPlan.of(ClusterLoader.bind(recorded.tree(cluster, all)), recorded.model()));
            }
            catch (final ConfigFieldException e)
            {
                throw new BadInputException(e.messageFor(ServingSetup.origin(e.path(), overrides, v.overrides(),
                    cluster)));
            }
        }
        final ServingOptions options = options(header, seed);
        final List<ServingResult> results;
        try (ProgressReporter progress = new ProgressReporter("replay",
            (long)workload.records().size() * plans.size(), !noProgress))
        {
            results = ServingSweep.run(plans, workload.records(), workload.arrivalsNs(), workload::catalog, options,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), progress);
        }
        final List<ServingReport> reports = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++)
        {
            reports.add(new ServingReport(header.source(), runs.get(i).label(), results.get(i), TTFT_SLO_MS,
                ITL_SLO_MS));
        }
        final ReplayReport report = new ReplayReport(workload, recorded, options.seed(), runs, results);
        final var out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.table());
        out.flush();
        if (outDir != null)
        {
            OutputFile.directory(outDir, "--out");
            OutputFile.write(outDir.resolve("report.json"), report.json().getBytes(StandardCharsets.UTF_8));
            final String simulated = reports.size() == 1 ? reports.get(0).json(!noTiming)
                : ServingVariants.compareJson(reports, !noTiming);
            OutputFile.write(outDir.resolve("simulated.json"), simulated.getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getErr().println("wrote report.json, simulated.json to " + outDir);
        }
        return 0;
    }

    private String baseLabel()
    {
        final StringBuilder sb = new StringBuilder("recorded");
        for (final Map.Entry<String, String> e : overrides.entrySet())
        {
            sb.append(' ').append(e.getKey().substring(e.getKey().lastIndexOf('.') + 1)).append('=')
                .append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * The seed and, for a simulator's recording, its replay options, so the simulated report names them as the
     * recorded one did; arrival times are the recorded ones whatever these say.
     */
    static ServingOptions options(final TraceHeader header, final Long seed) throws Exception
    {
        final long s = seed != null ? seed : header.seed();
        final JsonNode replay = new ObjectMapper().readTree(header.configJson()).path("replay");
        if (!TraceHeader.ORIGIN_SIM.equals(header.origin()) || !replay.isObject())
        {
            return new ServingOptions(s, false, 0, 1.0, 0);
        }
        final double rate = replay.path("rate_scale").asDouble(1.0);
        return new ServingOptions(s, replay.path("spread_arrivals").asBoolean(false),
            replay.path("bucket_ms").asLong(0), rate > 0 ? rate : 1.0, 0);
    }
}
