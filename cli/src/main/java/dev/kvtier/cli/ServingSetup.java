package dev.kvtier.cli;

import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.cluster.HuggingFaceConfig;
import dev.kvtier.sim.serving.ServingOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options shared by {@code sim} in serving mode and {@code compare}: which cluster, which overrides, how the
 * trace is timed, and the SLO limits. A picocli mixin, so both commands spell them the same way.
 */
final class ServingSetup
{
    @Option(names = "--cluster", paramLabel = "PRESET|FILE",
        description = "Cluster to simulate: a preset (mooncake-16, mooncake-16-pd, small-4, h200-deepseek-4) or a "
            + "JSON file; implies --mode serving.")
    String cluster;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
        description = "Override one cluster config field, e.g. --set serving.prefetch_policy=wait_complete "
            + "(repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--model-path", paramLabel = "DIR|config.json",
        description = "Derive the model from a Hugging Face config.json instead of the config's preset.")
    Path modelPath;

    @Option(names = "--spread-arrivals",
        description = "Spread requests sharing a timestamp uniformly (seeded) over the timestamp bucket.")
    boolean spreadArrivals;

    @Option(names = "--bucket-ms", defaultValue = "0", paramLabel = "MS",
        description = "Bucket width for --spread-arrivals (default: inferred from the trace).")
    long bucketMs;

    @Option(names = "--rate-scale", defaultValue = "1.0", paramLabel = "X",
        description = "Replay speed: 2 sends requests twice as fast as recorded (default: ${DEFAULT-VALUE}).")
    double rateScale;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
        description = "Replay only the first N requests (default: all).")
    int limit;

    @Option(names = "--ttft-slo-ms", defaultValue = "30000", paramLabel = "MS",
        description = "TTFT limit for SLO attainment (default: ${DEFAULT-VALUE}, Mooncake FAST'25).")
    double ttftSloMs;

    @Option(names = "--itl-slo-ms", defaultValue = "100", paramLabel = "MS",
        description = "Inter-token latency limit for SLO attainment (default: ${DEFAULT-VALUE}).")
    double itlSloMs;

    @Option(names = "--no-timing",
        description = "Leave the wall-clock 'performance' object out of JSON, for byte-identical reports.")
    boolean noTiming;

    ClusterPlan plan(final Map<String, String> extra) throws IOException
    {
        final Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(extra);
        try
        {
            final ModelSpec model = modelPath == null ? null : HuggingFaceConfig.read(modelPath);
            return ClusterPlan.of(ClusterLoader.load(cluster == null ? "mooncake-16" : cluster, all), model);
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
    }

    ServingOptions options(final long seed)
    {
        if (!(rateScale > 0))
        {
            throw new BadInputException("--rate-scale: must be > 0, got " + rateScale);
        }
        if (limit < 0)
        {
            throw new BadInputException("--limit: must be >= 0, got " + limit);
        }
        return new ServingOptions(seed, spreadArrivals, bucketMs, rateScale, limit);
    }
}
