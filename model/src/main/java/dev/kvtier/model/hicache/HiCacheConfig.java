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
 */
public record HiCacheConfig(int pageSize, int devicePages, int hostPages, WritePolicy writePolicy,
    PrefetchPolicy prefetchPolicy, boolean storage, int prefetchThresholdTokens, long prefetchTimeoutBaseNs,
    long prefetchTimeoutPerKiNs, long prefetchTimeoutMaxNs, int loadBackThresholdTokens,
    double prefetchCapacityFraction)
{
    /** Pages per L3 query or I/O batch, as the cache controller uses. */
    public static final int STORAGE_BATCH_PAGES = 128;

    public HiCacheConfig
    {
        if (pageSize <= 0 || devicePages <= 0 || hostPages < 0)
        {
            throw new IllegalArgumentException("page_size and device pages must be > 0, host pages >= 0");
        }
        prefetchThresholdTokens = Math.max(prefetchThresholdTokens, pageSize);
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
