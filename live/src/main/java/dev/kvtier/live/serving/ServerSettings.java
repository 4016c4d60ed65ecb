package dev.kvtier.live.serving;

import dev.kvtier.live.config.ListenPorts;
import dev.kvtier.model.cost.GpuSpec;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.engine.TimedCompute;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import dev.kvtier.model.hicache.WritePolicy;

/**
 * A serving worker's launch settings, named as {@code sglang.launch_server} names them, plus kvtier's own for a
 * worker without a GPU: the emulated device memory, the GPU whose speed the cost model assumes, and how much of
 * the modelled compute time to actually wait.
 *
 * @param modelPath          the model's name or path as given (reported by {@code /get_model_info})
 * @param model              its architecture
 * @param gpu                the GPU the cost model times work on
 * @param deviceMemory       emulated HBM bytes per rank; the KV pool is {@code mem_fraction_static} of it
 * @param hicacheSizeGb      host tier per rank in GB; 0 = {@code hicacheRatio} × device
 * @param storageBackend     "none", "mooncake" (the kvtier store) or "file"
 * @param extraConfig        {@code --hicache-storage-backend-extra-config} JSON, or null
 * @param computeTimeScale   1 waits the cost model's time, 0 waits nothing
 * @param storageLatencyMs   added to every L3 transfer batch of this worker (fault knob), 0 = none
 * @param storageBandwidth   cap on this worker's L3 transfer bytes per second (fault knob), 0 = none
 */
public record ServerSettings(String modelPath, ModelSpec model, GpuSpec gpu, int tpSize, int pageSize,
    double memFractionStatic, int maxRunningRequests, int chunkedPrefillSize, boolean hierarchicalCache,
    double hicacheRatio, double hicacheSizeGb, WritePolicy writePolicy, RadixEvictionPolicy evictionPolicy,
    String memLayout, String storageBackend,
    PrefetchPolicy prefetchPolicy, String extraConfig, String host, int port, long deviceMemory,
    double computeTimeScale, double storageLatencyMs, double storageBandwidth)
{
    public ServerSettings
    {
        positive("--tp-size", tpSize);
        positive("--page-size", pageSize);
        positive("--max-running-requests", maxRunningRequests);
        positive("--chunked-prefill-size", chunkedPrefillSize);
        if (!(memFractionStatic > 0 && memFractionStatic <= 1))
        {
            throw new IllegalArgumentException("--mem-fraction-static: must be in (0, 1], got " + memFractionStatic);
        }
        if (!"page_first".equals(memLayout))
        {
            throw new IllegalArgumentException("--hicache-mem-layout: only page_first is implemented (the layout the "
                + "Mooncake backend requires), got '" + memLayout + "'");
        }
        if (!"none".equals(storageBackend) && !"mooncake".equals(storageBackend))
        {
            throw new IllegalArgumentException("--hicache-storage-backend: '" + storageBackend + "' is not "
                + "available; use mooncake (the kvtier store) or leave it out");
        }
        if (!"none".equals(storageBackend) && !hierarchicalCache)
        {
            throw new IllegalArgumentException("--hicache-storage-backend needs --enable-hierarchical-cache");
        }
        if (!(hicacheSizeGb >= 0) || Double.isInfinite(hicacheSizeGb))
        {
            throw new IllegalArgumentException("--hicache-size: must be a number of GB >= 0 (0 = use --hicache-ratio), "
                + "got " + hicacheSizeGb);
        }
        if (!(hicacheRatio > 0 && hicacheRatio < Double.POSITIVE_INFINITY) && hicacheSizeGb <= 0)
        {
            throw new IllegalArgumentException("--hicache-ratio: must be a number > 0 (or give --hicache-size), got "
                + hicacheRatio);
        }
        if (extraConfig != null && "none".equals(storageBackend))
        {
            throw new IllegalArgumentException("--hicache-storage-backend-extra-config: only read with "
                + "--hicache-storage-backend mooncake; add it or leave the extra config out");
        }
        if (deviceMemory <= 0)
        {
            throw new IllegalArgumentException("--device-memory: must be > 0, got " + deviceMemory);
        }
        try
        {
            TimedCompute.requireScale(computeTimeScale);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("--compute-time-scale: " + e.getMessage());
        }
        if (!(storageLatencyMs >= 0) || Double.isInfinite(storageLatencyMs))
        {
            throw new IllegalArgumentException("--storage-latency-ms: must be a number of ms >= 0, got "
                + storageLatencyMs);
        }
        if (!(storageBandwidth >= 0))
        {
            throw new IllegalArgumentException("--storage-bandwidth: must be >= 0 (0 = none), got " + storageBandwidth);
        }
        ListenPorts.require("--port", port);
    }

    private static void positive(final String flag, final int v)
    {
        if (v <= 0)
        {
            throw new IllegalArgumentException(flag + ": must be > 0, got " + v);
        }
    }

    public boolean storage()
    {
        return !"none".equals(storageBackend);
    }
}
