package dev.kvtier.model.store;

/**
 * The master's tunables with upstream's current code defaults ({@code mooncake_master} flags).
 *
 * @param defaultKvLeaseTtlMs          {@code --default_kv_lease_ttl}, 10 s
 * @param maxKvSoftPinTtlMs            {@code --max_kv_soft_pin_ttl}, 24 h
 * @param allowEvictSoftPinnedObjects  {@code --allow_evict_soft_pinned_objects}
 * @param evictionRatio                {@code --eviction_ratio}, 0.05
 * @param evictionHighWatermarkRatio   {@code --eviction_high_watermark_ratio}, 0.90
 * @param clientTtlMs                  {@code --client_ttl}, 10 s
 * @param putStartDiscardTimeoutMs     {@code --put_start_discard_timeout_sec}, 30 s
 * @param putStartReleaseTimeoutMs     {@code --put_start_release_timeout_sec}, 600 s
 * @param allocationStrategy           {@code --allocation_strategy}
 */
public record MasterConfig(
    long defaultKvLeaseTtlMs,
    long maxKvSoftPinTtlMs,
    boolean allowEvictSoftPinnedObjects,
    double evictionRatio,
    double evictionHighWatermarkRatio,
    long clientTtlMs,
    long putStartDiscardTimeoutMs,
    long putStartReleaseTimeoutMs,
    AllocationStrategy allocationStrategy)
{
    /** Default soft pin TTL ({@code --default_kv_soft_pin_ttl}), 30 min. */
    public static final long DEFAULT_SOFT_PIN_TTL_MS = 1_800_000;
    /** The eviction thread's period. */
    public static final long EVICTION_PERIOD_MS = 10;
    /** The client monitor's period. */
    public static final long CLIENT_MONITOR_PERIOD_MS = 1000;

    public MasterConfig
    {
        if (!(evictionRatio >= 0 && evictionRatio <= 1))
        {
            throw new IllegalArgumentException("eviction_ratio must be in [0, 1], got " + evictionRatio);
        }
        if (!(evictionHighWatermarkRatio >= 0 && evictionHighWatermarkRatio <= 1))
        {
            throw new IllegalArgumentException("eviction_high_watermark_ratio must be in [0, 1], got "
                + evictionHighWatermarkRatio);
        }
        if (defaultKvLeaseTtlMs < 0 || clientTtlMs <= 0)
        {
            throw new IllegalArgumentException("lease TTL must be >= 0 and client TTL > 0");
        }
    }

    public static MasterConfig defaults()
    {
        return new MasterConfig(10_000, 86_400_000, true, 0.05, 0.90, 10_000, 30_000, 600_000,
            AllocationStrategy.RANDOM);
    }

    public MasterConfig withEviction(final double ratio, final double highWatermark)
    {
        return new MasterConfig(defaultKvLeaseTtlMs, maxKvSoftPinTtlMs, allowEvictSoftPinnedObjects, ratio,
            highWatermark, clientTtlMs, putStartDiscardTimeoutMs, putStartReleaseTimeoutMs, allocationStrategy);
    }

    public MasterConfig withStrategy(final AllocationStrategy strategy)
    {
        return new MasterConfig(defaultKvLeaseTtlMs, maxKvSoftPinTtlMs, allowEvictSoftPinnedObjects, evictionRatio,
            evictionHighWatermarkRatio, clientTtlMs, putStartDiscardTimeoutMs, putStartReleaseTimeoutMs, strategy);
    }

    public MasterConfig withSoftPinnedEviction(final boolean allow)
    {
        return new MasterConfig(defaultKvLeaseTtlMs, maxKvSoftPinTtlMs, allow, evictionRatio,
            evictionHighWatermarkRatio, clientTtlMs, putStartDiscardTimeoutMs, putStartReleaseTimeoutMs,
            allocationStrategy);
    }
}
