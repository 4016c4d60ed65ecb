package dev.kvtier.model.routing;

import dev.kvtier.model.engine.CostModel;
import dev.kvtier.model.node.NodeId;

import java.util.List;

/**
 * Router settings, with sgl-router's Python CLI defaults for the cache-aware knobs.
 *
 * @param prefill              instances that take new requests (all instances when not disaggregated)
 * @param decode               decode instances, empty when not disaggregated
 * @param cacheThreshold       match rate above which cache_aware follows the prefix (0.3)
 * @param balanceAbsThreshold  in-flight difference that counts as imbalanced (64)
 * @param balanceRelThreshold  max/min in-flight ratio that counts as imbalanced (1.5)
 * @param evictionIntervalNs   how often per-instance trees are trimmed (120 s)
 * @param maxTreeTokens        per-instance tree budget in tokens (2^26)
 * @param pageSize             tokens per page, to turn page counts into tokens
 * @param cost                 cost model the kv_aware policy estimates with
 * @param fetchBytesPerNs      L3 fetch bandwidth kv_aware assumes for one request
 * @param storageTokens        L3 capacity in tokens, for kv_aware's picture of what the store still holds
 */
public record RouterConfig(RoutingPolicy policy, RoutingPolicy decodePolicy, List<NodeId> prefill,
    List<NodeId> decode, double cacheThreshold, int balanceAbsThreshold, double balanceRelThreshold,
    long evictionIntervalNs, long maxTreeTokens, int pageSize, CostModel cost, double fetchBytesPerNs,
    long storageTokens)
{
    public static final double DEFAULT_CACHE_THRESHOLD = 0.3;
    public static final int DEFAULT_BALANCE_ABS = 64;
    public static final double DEFAULT_BALANCE_REL = 1.5;
    public static final long DEFAULT_EVICTION_INTERVAL_NS = 120_000_000_000L;
    public static final long DEFAULT_MAX_TREE_TOKENS = 1L << 26;

    public RouterConfig
    {
        requireKnobs(cacheThreshold, balanceAbsThreshold, balanceRelThreshold, evictionIntervalNs, maxTreeTokens);
    }

    /**
     * The cache-aware knobs' ranges, named by sgl-router's flags (the cluster config's {@code router.*} fields
     * share them), for a caller that checks its settings before it starts anything.
     */
    public static void requireKnobs(final double cacheThreshold, final int balanceAbsThreshold,
        final double balanceRelThreshold, final long evictionIntervalNs, final long maxTreeTokens)
    {
        if (!(cacheThreshold >= 0 && cacheThreshold <= 1))
        {
            throw new IllegalArgumentException("--cache-threshold: must be in [0, 1] (a prefix match rate), got "
                + cacheThreshold);
        }
        if (balanceAbsThreshold < 0)
        {
            throw new IllegalArgumentException("--balance-abs-threshold: must be >= 0 requests, got "
                + balanceAbsThreshold);
        }
        if (!(balanceRelThreshold >= 0) || Double.isInfinite(balanceRelThreshold))
        {
            throw new IllegalArgumentException("--balance-rel-threshold: must be a number >= 0, got "
                + balanceRelThreshold);
        }
        if (evictionIntervalNs <= 0)
        {
            throw new IllegalArgumentException("--eviction-interval-secs: must be > 0, got " + evictionIntervalNs
                / 1_000_000_000L + " s");
        }
        if (maxTreeTokens < 0)
        {
            throw new IllegalArgumentException("--max-tree-size: must be >= 0 tokens, got " + maxTreeTokens);
        }
    }
}
