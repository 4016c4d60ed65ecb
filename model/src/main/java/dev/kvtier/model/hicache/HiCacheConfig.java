package dev.kvtier.model.hicache;

/**
 * The knobs of one instance's hierarchical cache, named after SGLang's flags and extra-config keys, with their
 * baseline (v0.5.x) defaults.
 *
 * @param pageSize                  tokens per page ({@code --page-size}; HiCache docs use 64)
 * @param devicePages               L1 capacity in pages (token slots / page size)
 * @param hostPages                 L2 capacity in pages ({@code --hicache-ratio} × device, or {@code --hicache-size})
 * @param writePolicy               {@code --hicache-write-policy}
 * @param prefetchPolicy            {@code --hicache-storage-prefetch-policy}
 * @param storage                   whether an L3 backend is attached
 * @param prefetchThresholdTokens   {@code prefetch_threshold} (256); raised to one page if smaller
 * @param prefetchTimeoutBaseNs     {@code prefetch_timeout_base} (1.0 s baseline)
 * @param prefetchTimeoutPerKiNs    {@code prefetch_timeout_per_ki_token} (0.25 s per 1024 tokens baseline)
 * @param prefetchTimeoutMaxNs      {@code prefetch_timeout_max} (none in the baseline: {@link Long#MAX_VALUE})
 * @param loadBackThresholdTokens   host hits shorter than this are recomputed instead of loaded (10)
 * @param prefetchCapacityFraction  ongoing prefetches may occupy this share of (host − device) slots (0.8)
 * @param evictionPolicy            L1/L2 eviction order ({@code --radix-eviction-policy}; lru)
 */
public record HiCacheConfig(int pageSize, int devicePages, int hostPages, WritePolicy writePolicy,
    PrefetchPolicy prefetchPolicy, boolean storage, int prefetchThresholdTokens, long prefetchTimeoutBaseNs,
    long prefetchTimeoutPerKiNs, long prefetchTimeoutMaxNs, int loadBackThresholdTokens,
    double prefetchCapacityFraction, RadixEvictionPolicy evictionPolicy)
{
    /** Pages per L3 query or I/O batch, as the cache controller uses. */
    public static final int STORAGE_BATCH_PAGES = 128;
    /** SGLang's baseline {@code prefetch_threshold}, tokens (the simulator's defaults.json says the same). */
    public static final int DEFAULT_PREFETCH_THRESHOLD_TOKENS = 256;
    /** SGLang's baseline {@code prefetch_timeout_base}, seconds. */
    public static final double DEFAULT_PREFETCH_TIMEOUT_BASE_S = 1.0;
    /** SGLang's baseline {@code prefetch_timeout_per_ki_token}, seconds per 1024 hit tokens. */
    public static final double DEFAULT_PREFETCH_TIMEOUT_PER_KI_S = 0.25;
    /** Host hits shorter than this many tokens are recomputed instead of loaded back. */
    public static final int DEFAULT_LOAD_BACK_THRESHOLD_TOKENS = 10;
    /** Share of (host − device) slots ongoing prefetches may hold. */
    public static final double DEFAULT_PREFETCH_CAPACITY_FRACTION = 0.8;

    public HiCacheConfig
    {
        if (pageSize <= 0 || devicePages <= 0 || hostPages < 0)
        {
            throw new IllegalArgumentException("page_size and device pages must be > 0, host pages >= 0");
        }
        prefetchThresholdTokens = Math.max(prefetchThresholdTokens, pageSize);
    }

    /**
     * SGLang's host tier size in pages: {@code --hicache-size} GB per rank when given, else {@code --hicache-ratio}
     * × the device tier; the simulator's cluster plan and a live worker both size it here.
     *
     * @param kvBytesPerToken one instance's KV bytes per token (all ranks)
     */
    public static long hostPages(final long devicePages, final double hicacheRatio, final double hicacheSizeGb,
        final int tp, final double kvBytesPerToken, final int pageSize)
    {
        return hicacheSizeGb > 0 ? (long)(hicacheSizeGb * 1e9 * tp / kvBytesPerToken / pageSize)
            : (long)(devicePages * hicacheRatio);
    }

    /** Timeout for a prefetch whose L3 hit is {@code hitTokens}: {@code min(max, base + perKi × n / 1024)}. */
    public long prefetchTimeoutNs(final long hitTokens)
    {
        final long t = prefetchTimeoutBaseNs + (long)((double)prefetchTimeoutPerKiNs * hitTokens / 1024.0);
        return Math.min(prefetchTimeoutMaxNs, t);
    }

    /** Page cap on tokens that ongoing prefetches may hold: {@code int(0.8 × (host − device))} tokens. */
    public long prefetchCapacityPages()
    {
        return (long)(prefetchCapacityFraction * Math.max(0, hostPages - devicePages));
    }
}
