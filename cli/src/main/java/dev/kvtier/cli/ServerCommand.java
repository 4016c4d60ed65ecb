package dev.kvtier.cli;

import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.serving.ServerSettings;
import dev.kvtier.live.serving.ServingServer;
import dev.kvtier.model.cost.GpuSpec;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.sim.cluster.HuggingFaceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kvtier server}: a serving worker as a process, with {@code sglang.launch_server}'s flags. The worker is the
 * simulator's; there is no model, so compute is the cost model's time and output is synthetic (see the README).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run a serving worker (SGLang-like HiCache worker, the kvtier store as L3) with SGLang's HTTP API.")
public final class ServerCommand implements Callable<Integer>
{
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-path", defaultValue = "llama-3-8b", paramLabel = "PRESET|DIR|config.json",
        description = "llama-3-8b, llama-3-70b, qwen2.5-72b, deepseek-v3, or a Hugging Face config.json (or its "
            + "folder). Default ${DEFAULT-VALUE}.")
    String modelPath;

    @Option(names = "--tp-size", defaultValue = "1", description = "Tensor-parallel ranks. Default ${DEFAULT-VALUE}.")
    int tpSize;

    @Option(names = "--page-size", defaultValue = "1", description = "Tokens per page. Default ${DEFAULT-VALUE}.")
    int pageSize;

    @Option(names = "--mem-fraction-static", defaultValue = "0.88",
        description = "Share of device memory for the KV pool. Default ${DEFAULT-VALUE}.")
    double memFractionStatic;

    @Option(names = "--max-running-requests", defaultValue = "256",
        description = "Cap on the running batch. Default ${DEFAULT-VALUE}.")
    int maxRunningRequests;

    @Option(names = "--chunked-prefill-size", defaultValue = "8192",
        description = "Token budget of one prefill pass. Default ${DEFAULT-VALUE}.")
    int chunkedPrefillSize;

    @Option(names = "--enable-hierarchical-cache", description = "Keep a host tier (L2) under the device tier.")
    boolean hierarchicalCache;

    @Option(names = "--hicache-ratio", defaultValue = "2.0",
        description = "Host tier size as a multiple of the device tier. Default ${DEFAULT-VALUE}.")
    double hicacheRatio;

    @Option(names = "--hicache-size", defaultValue = "0",
        description = "Host tier in GB per rank; 0 = use --hicache-ratio. Default ${DEFAULT-VALUE}.")
    double hicacheSize;

    @Option(names = "--hicache-write-policy", defaultValue = "write_through",
        description = "write_through, write_through_selective, write_back or boundary_l1_l2. Default ${DEFAULT-VALUE}.")
    String writePolicy;

    @Option(names = "--radix-eviction-policy", defaultValue = "lru",
        description = "L1/L2 eviction order of the radix cache: lru, lfu or fifo. Default ${DEFAULT-VALUE}.")
    String evictionPolicy;

    @Option(names = "--hicache-mem-layout", defaultValue = "page_first",
        description = "Host layout; only page_first (what the Mooncake backend needs). Default ${DEFAULT-VALUE}.")
    String memLayout;

    @Option(names = "--hicache-storage-backend", defaultValue = "none",
        description = "mooncake = the kvtier store as L3 (MOONCAKE_MASTER names its master). Default: none.")
    String storageBackend;

    @Option(names = "--hicache-storage-prefetch-policy", defaultValue = "best_effort",
        description = "best_effort, wait_complete or timeout. Default ${DEFAULT-VALUE}.")
    String prefetchPolicy;

    @Option(names = "--hicache-storage-backend-extra-config", paramLabel = "JSON|@FILE",
        description = "Backend JSON (master_server_address, global_segment_size, …; prefetch_threshold, "
            + "prefetch_timeout_base, prefetch_timeout_per_ki_token, prefetch_timeout_max).")
    String extraConfig;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "HTTP bind address. Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "30000", description = "HTTP port (0 = any free one). Default "
        + "${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--device-memory", defaultValue = "8gb", paramLabel = "SIZE",
        description = "Emulated HBM per rank (counted, not allocated). Default ${DEFAULT-VALUE}.")
    String deviceMemory;

    @Option(names = "--gpu", defaultValue = "H100", description = "GPU the cost model times work on: "
        + "A100, A800, H100, H800, H200, H20. Default ${DEFAULT-VALUE}.")
    String gpu;

    @Option(names = "--compute-time-scale", defaultValue = "1",
        description = "1 waits the cost model's time for each pass, 0 waits nothing. Default ${DEFAULT-VALUE}.")
    double computeTimeScale;

    @Option(names = "--storage-latency-ms", defaultValue = "0",
        description = "Fault knob: added to every L3 transfer batch of this worker (its own segment's too). "
            + "Default ${DEFAULT-VALUE}.")
    double storageLatencyMs;

    @Option(names = "--storage-bandwidth", defaultValue = "0", paramLabel = "SIZE",
        description = "Fault knob: the rate of this worker's links to its peers' segments (e.g. 500mb), one each "
            + "way, shared by concurrent transfers as the simulator's links are; 0 = none.")
    String storageBandwidth;

    @Option(names = "--trace-dir", paramLabel = "DIR",
        description = "Record every request's arrival and outcome here (a new or empty directory) for kvtier replay.")
    Path traceDir;

    @Override
    public Integer call() throws Exception
    {
        if (traceDir != null)
        {
            TraceDirs.requireEmpty(traceDir, "--trace-dir");
        }
        final ServerSettings settings;
        try
        {
            settings = new ServerSettings(modelPath, model(modelPath), gpuSpec(gpu), tpSize, pageSize,
                memFractionStatic, maxRunningRequests, chunkedPrefillSize, hierarchicalCache, hicacheRatio,
                hicacheSize, WritePolicy.parse(writePolicy),
                parse("--radix-eviction-policy", () -> RadixEvictionPolicy.parse(evictionPolicy)), memLayout,
                storageBackend, PrefetchPolicy.parse(prefetchPolicy), extraConfig, host, port,
                ByteSizes.parse("--device-memory", deviceMemory), computeTimeScale, storageLatencyMs,
                "0".equals(storageBandwidth) ? 0 : ByteSizes.parse("--storage-bandwidth", storageBandwidth));
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
        BindHost.require("--host", host);
        final ServingServer server;
        try
        {
            server = ServingServer.start(settings, System.getenv());
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
        if (traceDir != null)
        {
            server.recordTo(traceDir, TraceDirs.versions());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("kvtier server: http://" + host + ":" + server.port() + " (model " + modelPath
            + (settings.storage() ? ", L3 mooncake" : "") + ")");
        out.flush();
        return LiveProcess.runUntilStopped(server::close);
    }

    /** Parses a flag's value, naming the flag in the one-line error. */
    private static <T> T parse(final String flag, final java.util.function.Supplier<T> parser)
    {
        try
        {
            return parser.get();
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(flag + ": " + e.getMessage());
        }
    }

    private static ModelSpec model(final String path) throws java.io.IOException
    {
        final Path p = Path.of(path);
        if (Files.exists(p))
        {
            return HuggingFaceConfig.read(p);
        }
        try
        {
            return ModelSpec.preset(path.toLowerCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--model-path: '" + path + "' is neither a preset (llama-3-8b, llama-3-70b, "
                + "qwen2.5-72b, deepseek-v3) nor an existing config.json or folder");
        }
    }

    private static GpuSpec gpuSpec(final String name)
    {
        try
        {
            return GpuSpec.preset(name);
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--gpu: " + e.getMessage());
        }
    }
}
