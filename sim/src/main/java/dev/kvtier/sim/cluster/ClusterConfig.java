package dev.kvtier.sim.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A simulated cluster as written in JSON (snake_case keys; {@code defaults.json} beside the presets gives every
 * default). Instances are {@code nodes × gpus_per_node / tp}; each runs one SGLang-like worker and contributes a
 * store segment to the Mooncake pool that is everyone's L3.
 */
public record ClusterConfig(String name, int nodes, int gpusPerNode, String gpu, int tp, String model,
    double hostMemoryGb, Nic nic, Serving serving, Store store, Disaggregation disaggregation, RouterSettings router)
{
    /** NICs of one node; {@code protocol} is rdma or tcp; {@code latency_us} −1 takes the protocol's default. */
    public record Nic(int count, double gbps, String protocol, double latencyUs)
    {
    }

    /**
     * SGLang server flags that matter to the cache and the scheduler. {@code device_pages} and {@code host_pages},
     * when above 0, give an instance's L1 and L2 sizes in pages instead of deriving them from HBM and the hicache
     * settings: a live worker reports the sizes it really had, and a replay of its recording must use them. At 0
     * (the default) they are left out of the config's JSON, so reports of configs that do not set them are unchanged.
     * {@code request_overhead_ms} is time a request spends before the router sees it (a live front end's HTTP,
     * tokenization and queueing), counted in its TTFT: the cost model has no such term, and {@code kvtier calibrate}
     * fits it to a live run; at 0 (the default) it is left out of the JSON too. {@code eviction_policy} is the L1/L2
     * eviction order ({@code lru}, {@code fifo}; SGLang's {@code --radix-eviction-policy}), left out at {@code lru}.
     * {@code compute_time_scale} multiplies every compute time of the cost model (prefill passes, decode steps,
     * device/host copies), as a live worker's {@code --compute-time-scale} does: a live worker's passes take longer
     * than modelled (timers, a busy CPU), and {@code kvtier calibrate} fits it to a live run's ITL; left out at 1.
     */
    public record Serving(int pageSize, double memFractionStatic, int chunkedPrefillSize, int maxRunningRequests,
        double hicacheRatio, double hicacheSizeGb, String writePolicy, boolean storage, String prefetchPolicy,
        int prefetchThreshold, double prefetchTimeoutBaseS, double prefetchTimeoutPerKiTokenS,
        double prefetchTimeoutMaxS, int loadBackThreshold,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int devicePages,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long hostPages,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) double requestOverheadMs,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = LruIsDefault.class) String evictionPolicy,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OneIsDefault.class) double computeTimeScale)
    {
    }

    /**
     * Leaves {@code compute_time_scale} out of the config's JSON at its default (1), so reports of configs that do
     * not set it are unchanged; Jackson excludes a value this filter {@code equals}.
     */
    public static final class OneIsDefault
    {
        @Override
        public boolean equals(final Object value)
        {
            return value instanceof Double d && d == 1.0;
        }

        @Override
        public int hashCode()
        {
            return 1;
        }
    }

    /**
     * Leaves {@code eviction_policy} out of the config's JSON at its default ({@code lru}), so reports of configs that
     * do not set it are unchanged; Jackson excludes a value this filter {@code equals}.
     */
    public static final class LruIsDefault
    {
        @Override
        public boolean equals(final Object value)
        {
            return "lru".equals(value);
        }

        @Override
        public int hashCode()
        {
            return 0;
        }
    }

    /** Mooncake store: per-node segment and master flags. */
    public record Store(double globalSegmentSizeGb, double evictionHighWatermarkRatio, double evictionRatio,
        long defaultKvLeaseTtlMs)
    {
    }

    /** {@code mode} none or pd; in pd the first {@code prefill_instances} instances prefill, the rest decode. */
    public record Disaggregation(String mode, int prefillInstances, boolean decodeOffload)
    {
    }

    /** Router policy for prefill (or combined) instances, and for decode instances in pd mode. */
    public record RouterSettings(String policy, String decodePolicy, double cacheThreshold,
        int balanceAbsThreshold, double balanceRelThreshold)
    {
    }
}
