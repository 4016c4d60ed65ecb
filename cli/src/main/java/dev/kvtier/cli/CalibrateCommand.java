package dev.kvtier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.replay.Calibration;
import dev.kvtier.sim.replay.CalibrationKnobs;
import dev.kvtier.sim.replay.RecordedCluster;
import dev.kvtier.sim.replay.RecordedWorkload;
import dev.kvtier.sim.replay.ReplayMetrics;
import dev.kvtier.sim.serving.ServingOptions;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.sim.sweep.ServingSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kvtier calibrate}: fits the cost-model constants a live run measures to its recording, so that {@code
 * kvtier replay --cluster FILE} of the written config predicts that run better; prints each fitted field and the
 * replay's figures and errors before and after. The replays are {@code kvtier replay}'s (the recorded configuration,
 * arrivals and metrics); the search is {@link Calibration}'s.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fit serving.request_overhead_ms and nic.gbps (and serving.compute_time_scale and "
            + "nic.latency_us when named) to a recorded run by replaying it, print the residuals before and after, "
            + "and write the fitted cluster config.",
        "Example: kvtier calibrate --trace-dir rec --cluster small-4 --out calibrated.json"})
public final class CalibrateCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--trace-dir", required = true, paramLabel = "DIR", description = "Recorded trace directory.")
    private Path traceDir;

    @Option(names = "--cluster", paramLabel = "PRESET|FILE",
        description = "Cluster settings the header lacks, as for kvtier replay; the fitted fields start here.")
    private String cluster;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
        description = "Override one cluster config field (a fitted field's starting value), repeatable.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--fit", paramLabel = "PATH", split = ",",
        description = "Fields to fit: serving.request_overhead_ms, nic.gbps (default both), "
            + "serving.compute_time_scale, nic.latency_us.")
    private List<String> fit = new ArrayList<>(CalibrationKnobs.DEFAULT_FIT);

    @Option(names = "--model-path", paramLabel = "DIR|config.json", description = "As for kvtier replay.")
    private Path modelPath;

    @Option(names = "--passes", paramLabel = "N", description = "Coordinate passes over the fields (default 2).")
    private int passes = 2;

    @Option(names = "--rounds", paramLabel = "N", description = "9-point grid rounds per field (default 3).")
    private int rounds = 3;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the fitted cluster config JSON here.")
    private Path out;

    @Option(names = "--json", description = "Print the fit as JSON instead of the table.")
    private boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel simulations (default: available cores).")
    private Integer threads;

    @Override
    public Integer call() throws Exception
    {
        OutputFile.checkFile(out, "--out");
        // each round narrows a field's grid to about a quarter: 20 rounds place it within 4^-20 (1e-12), past any
        // metric's resolution, and each pass re-runs every round of every field
        if (passes < 1 || passes > 20)
        {
            throw new BadInputException("--passes: must be in [1, 20], got " + passes);
        }
        if (rounds < 1 || rounds > 20)
        {
            throw new BadInputException("--rounds: must be in [1, 20] (each narrows the grid to a quarter), got "
                + rounds);
        }
        if (threads != null && threads < 1)
        {
            throw new BadInputException("--threads: must be >= 1, got " + threads);
        }
        for (final String f : fit)
        {
            if (fit.indexOf(f) != fit.lastIndexOf(f))
            {
                throw new BadInputException("--fit: '" + f + "' given twice; name each field once");
            }
            if (!CalibrationKnobs.FIELDS.contains(f))
            {
                throw new BadInputException("--fit: unknown field '" + f + "'; fit "
                    + String.join(", ", CalibrationKnobs.FIELDS));
            }
        }
        final RecordedWorkload workload = RecordedWorkload.read(traceDir);
        final RecordedCluster recorded = RecordedCluster.of(workload.header(), cluster, overrides, modelPath);
        if (workload.outcomes().stream().allMatch(o -> o == null))
        {
            throw new BadInputException("the recording in " + traceDir + " has no outcomes: nothing to fit to");
        }
        final Map<String, Double> figures = ReplayMetrics.ofRecorded(workload.arrivals(), workload.outcomes());
        final ServingOptions options = ReplayCommand.options(workload.header(), null);
        final int parallel = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        final Calibration.Replays replays = settings ->
        {
            final List<ClusterPlan> plans = new ArrayList<>();
            for (final Map<String, String> s : settings)
            {
                plans.add(plan(recorded, s));
            }
            final List<ServingResult> results = ServingSweep.run(plans, workload.records(), workload.arrivalsNs(),
                workload::catalog, options, parallel, CalibrateCommand::ignore);
            return results.stream().map(r -> ReplayMetrics.of(r.records())).toList();
        };
        final List<Calibration.Knob> knobs = CalibrationKnobs.of(fit, ClusterLoader.tree(cluster, overrides), figures);
        final Calibration.Result result = Calibration.fit(knobs, figures, replays, passes, rounds);
        final Map<String, String> fitted = new LinkedHashMap<>();
        result.fitted().forEach((k, v) -> fitted.put(k, Calibration.format(v)));
        final ObjectNode config = (ObjectNode)ClusterLoader.toTree(plan(recorded, fitted).config());
        if (out != null)
        {
            OutputFile.write(out, (JSON.writeValueAsString(config) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        final var o = spec.commandLine().getOut();
        o.print(json ? json(result, figures, config) : table(result, figures));
        o.flush();
        if (out != null)
        {
            spec.commandLine().getErr().println("wrote the fitted cluster config to " + out);
        }
        return 0;
    }

    private static void ignore(final long done)
    {
    }

    private ClusterPlan plan(final RecordedCluster recorded, final Map<String, String> settings)
    {
        final Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(settings);
        return ClusterPlan.of(ClusterLoader.bind(recorded.tree(cluster, all)), recorded.model());
    }

    /** The metrics printed: the replay's, then the two the loss derives from its prefetch counts. */
    private static List<String> names()
    {
        final List<String> names = new ArrayList<>(ReplayMetrics.NAMES);
        names.add(Calibration.PREFETCH_ENDED);
        names.add(Calibration.TIMED_OUT_SHARE);
        return names;
    }

    private static String table(final Calibration.Result result, final Map<String, Double> recordedFigures)
    {
        final Calibration.Result r = derived(result);
        final Map<String, Double> recorded = Calibration.withDerived(recordedFigures);
        final StringBuilder sb = new StringBuilder();
        r.fitted().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "fitted %s = %s%n", k,
            Calibration.format(v))));
        sb.append(String.format(Locale.ROOT, "loss %.6f -> %.6f over %d simulations%n", r.lossBefore(),
            r.lossAfter(), r.runs()));
        sb.append(String.format(Locale.ROOT, "%-22s %12s %12s %10s %12s %10s%n", "metric", "recorded", "before",
            "error", "after", "error"));
        for (final String name : names())
        {
            final Double rec = recorded.get(name);
            sb.append(String.format(Locale.ROOT, "%-22s %12s %12s %10s %12s %10s%n", name, num(rec),
                num(r.before().get(name)), num(ReplayMetrics.error(name, rec, r.before().get(name))),
                num(r.after().get(name)), num(ReplayMetrics.error(name, rec, r.after().get(name)))));
        }
        return sb.toString();
    }

    private static String num(final Double v)
    {
        return v == null ? "-" : Calibration.format(v);
    }

    private static Calibration.Result derived(final Calibration.Result r)
    {
        return new Calibration.Result(r.fitted(), Calibration.withDerived(r.before()),
            Calibration.withDerived(r.after()), r.lossBefore(), r.lossAfter(), r.runs());
    }

    private static String json(final Calibration.Result result, final Map<String, Double> recordedFigures,
        final ObjectNode config) throws Exception
    {
        final Calibration.Result r = derived(result);
        final Map<String, Double> recorded = Calibration.withDerived(recordedFigures);
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "calibrate");
        final ObjectNode fitted = root.putObject("fitted");
        r.fitted().forEach(fitted::put);
        root.put("loss_before", r.lossBefore());
        root.put("loss_after", r.lossAfter());
        root.put("simulations", r.runs());
        final ObjectNode metrics = root.putObject("metrics");
        for (final String name : names())
        {
            final ObjectNode m = metrics.putObject(name);
            final Double rec = recorded.get(name);
            m.put("recorded", rec);
            m.put("before", r.before().get(name));
            m.put("error_before", ReplayMetrics.error(name, rec, r.before().get(name)));
            m.put("after", r.after().get(name));
            m.put("error_after", ReplayMetrics.error(name, rec, r.after().get(name)));
        }
        root.set("cluster", config);
        return JSON.writeValueAsString(root) + "\n";
    }
}
