package dev.kvtier.cli;

import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.cluster.ConfigFieldException;
import dev.kvtier.sim.cluster.HuggingFaceConfig;
import dev.kvtier.sim.report.ServingReport;
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
    /** The cluster a serving run simulates without {@code --cluster}. */
    static final String DEFAULT_CLUSTER = "mooncake-16";

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

    /** Fields given by SGLang's flag names, and which flag gave each. */
    final Map<String, String> sglang = new LinkedHashMap<>();
    private final Map<String, String> sglangFlag = new LinkedHashMap<>();
    /** {@code --hicache-storage-backend} as given, checked with the other options (a setter's error reads badly). */
    private String storageBackend;

    @Option(names = "--page-size", paramLabel = "TOKENS", description = "SGLang's flag: --set serving.page_size.")
    void pageSize(final String v)
    {
        alias("--page-size", "serving.page_size", v);
    }

    @Option(names = {"--tp-size", "--tp"}, paramLabel = "GPUS", description = "SGLang's flag: --set tp.")
    void tpSize(final String v)
    {
        alias("--tp-size", "tp", v);
    }

    @Option(names = "--mem-fraction-static", paramLabel = "FRACTION",
        description = "SGLang's flag: --set serving.mem_fraction_static.")
    void memFractionStatic(final String v)
    {
        alias("--mem-fraction-static", "serving.mem_fraction_static", v);
    }

    @Option(names = "--chunked-prefill-size", paramLabel = "TOKENS",
        description = "SGLang's flag: --set serving.chunked_prefill_size.")
    void chunkedPrefillSize(final String v)
    {
        alias("--chunked-prefill-size", "serving.chunked_prefill_size", v);
    }

    @Option(names = "--max-running-requests", paramLabel = "N",
        description = "SGLang's flag: --set serving.max_running_requests.")
    void maxRunningRequests(final String v)
    {
        alias("--max-running-requests", "serving.max_running_requests", v);
    }

    @Option(names = "--hicache-ratio", paramLabel = "RATIO",
        description = "SGLang's flag: --set serving.hicache_ratio.")
    void hicacheRatio(final String v)
    {
        alias("--hicache-ratio", "serving.hicache_ratio", v);
    }

    @Option(names = "--hicache-size", paramLabel = "GB", description = "SGLang's flag: --set serving.hicache_size_gb.")
    void hicacheSize(final String v)
    {
        alias("--hicache-size", "serving.hicache_size_gb", v);
    }

    @Option(names = "--hicache-write-policy", paramLabel = "POLICY",
        description = "SGLang's flag: --set serving.write_policy.")
    void hicacheWritePolicy(final String v)
    {
        alias("--hicache-write-policy", "serving.write_policy", v);
    }

    @Option(names = "--hicache-storage-prefetch-policy", paramLabel = "POLICY",
        description = "SGLang's flag: --set serving.prefetch_policy.")
    void prefetchPolicy(final String v)
    {
        alias("--hicache-storage-prefetch-policy", "serving.prefetch_policy", v);
    }

    @Option(names = "--hicache-storage-backend", paramLabel = "mooncake|none",
        description = "SGLang's flag: mooncake is --set serving.storage=true (the store as L3), none false.")
    void storageBackend(final String v)
    {
        storageBackend = v;
        alias("--hicache-storage-backend", "serving.storage", Boolean.toString(v.equals("mooncake")));
    }

    @Option(names = "--radix-eviction-policy", paramLabel = "lru|lfu|fifo",
        description = "SGLang's flag: --set serving.eviction_policy (L1/L2 eviction order).")
    void radixEvictionPolicy(final String v)
    {
        alias("--radix-eviction-policy", "serving.eviction_policy", v);
    }

    /** {@code sim --eviction P} in serving mode: the same field, named by the hit replay's option. */
    void eviction(final String policy)
    {
        alias("--eviction", "serving.eviction_policy", policy);
    }

    private void alias(final String flag, final String path, final String value)
    {
        sglang.put(path, value);
        sglangFlag.put(path, flag);
    }

    /** The overrides of {@code --set} and SGLang's flags together ({@code --set} wins). */
    Map<String, String> allOverrides()
    {
        final Map<String, String> all = new LinkedHashMap<>(sglang);
        all.putAll(overrides);
        return all;
    }

    /** The option that gave a field: a {@code --vary}, a {@code --set}, an SGLang flag or the cluster file. */
    String origin(final String path, final Map<String, String> vary)
    {
        if (!vary.containsKey(path) && !overrides.containsKey(path) && sglangFlag.containsKey(path))
        {
            return sglangFlag.get(path) + ": sets";
        }
        return origin(path, overrides, vary, cluster);
    }

    ClusterPlan plan(final Map<String, String> extra) throws IOException
    {
        final Map<String, String> all = allOverrides();
        all.putAll(extra);
        try
        {
            final ModelSpec model = modelPath == null ? null : HuggingFaceConfig.read(modelPath);
            return ClusterPlan.of(ClusterLoader.load(cluster == null ? DEFAULT_CLUSTER : cluster, all), model);
        }
        catch (final ConfigFieldException e)
        {
            throw new BadInputException(e.messageFor(origin(e.path(), extra)));
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Which option gave a config field's value: {@code --vary}, {@code --set} or the {@code --cluster} file. */
    static String origin(final String path, final Map<String, String> set, final Map<String, String> vary,
        final String cluster)
    {
        if (vary.containsKey(path))
        {
            return "--vary";
        }
        return set.containsKey(path) ? "--set" : "--cluster " + (cluster == null ? DEFAULT_CLUSTER : cluster) + ":";
    }

    /** The replay options, checked by the model that states their ranges, and the SLO limits. */
    ServingOptions options(final long seed)
    {
        if (storageBackend != null && !storageBackend.equals("mooncake") && !storageBackend.equals("none"))
        {
            throw new BadInputException("--hicache-storage-backend: '" + storageBackend + "' is not simulated; use "
                + "mooncake (the store as L3) or none");
        }
        if (bucketMs != 0 && !spreadArrivals)
        {
            throw new BadInputException("--bucket-ms: only read with --spread-arrivals (the width it spreads "
                + "requests over); add --spread-arrivals or leave it out");
        }
        ServingReport.requireSlo(ttftSloMs, itlSloMs);
        return new ServingOptions(seed, spreadArrivals, bucketMs, rateScale, limit);
    }
}
