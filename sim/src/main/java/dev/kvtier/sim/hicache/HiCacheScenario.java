package dev.kvtier.sim.hicache;

import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;

/**
 * One variant of a clock-free HiCache replay: the write policy and the three tier sizes in pages, and how
 * requests spread over instances that each have an L1 and an L2 in front of one shared L3.
 *
 * @param policy                write policy of every instance's radix cache
 * @param l1Pages               total device pages; with local placement split over the nodes
 * @param l2Pages               total host pages; with local placement split over the nodes (may be below L1)
 * @param l3Pages               store pages shared by all instances; 0 = no store
 * @param writeThroughThreshold hits a page needs before its host write under write_through and
 *                              write_through_selective; 0 = the policy's own (1 and 2)
 * @param nodes                 serving instances
 * @param placement             one L1/L2 for all, or one per instance
 * @param routing               request-to-instance routing (matters only with local placement)
 * @param prefixHashBlocks      prefix depth {@link HitRouting#PREFIX_HASH} hashes
 */
public record HiCacheScenario(WritePolicy policy, int l1Pages, int l2Pages, int l3Pages, int writeThroughThreshold,
    int nodes, PoolPlacement placement, HitRouting routing, int prefixHashBlocks)
{
    public HiCacheScenario
    {
        if (l1Pages < 0 || l2Pages < 0 || l3Pages < 0)
        {
            throw new IllegalArgumentException("tier sizes must be >= 0 pages, got l1 " + l1Pages + ", l2 "
                + l2Pages + ", l3 " + l3Pages);
        }
        if (writeThroughThreshold < 0)
        {
            throw new IllegalArgumentException("write_through_threshold is " + writeThroughThreshold
                + "; it must be >= 1 (or 0 for the policy's own)");
        }
        if (nodes < 1)
        {
            throw new IllegalArgumentException("nodes is " + nodes + "; it must be >= 1");
        }
        if (prefixHashBlocks < 1)
        {
            throw new IllegalArgumentException("prefix_hash_blocks is " + prefixHashBlocks + "; it must be >= 1");
        }
    }

    /** L1/L2 pools: one for global placement, else one per node. */
    public int pools()
    {
        return placement.pools(nodes);
    }

    /** Pool {@code p}'s share of {@code total}: an even split, the remainder to the first pools. */
    public int share(final int total, final int p)
    {
        final int n = pools();
        return total / n + (p < total % n ? 1 : 0);
    }

    /** The hit threshold the radix cache applies: the given one for write_through*, the policy's own otherwise. */
    public int cacheThreshold()
    {
        return writeThroughThreshold > 0
            && (policy == WritePolicy.WRITE_THROUGH || policy == WritePolicy.WRITE_THROUGH_SELECTIVE)
            ? writeThroughThreshold : policy.hitThreshold();
    }
}
