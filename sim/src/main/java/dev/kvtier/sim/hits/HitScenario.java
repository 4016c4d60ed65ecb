package dev.kvtier.sim.hits;

import dev.kvtier.model.cache.EvictionPolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;

/**
 * One cell of a hit-rate sweep.
 *
 * @param policy            eviction policy of every pool
 * @param capacityBlocks    total capacity; with local placement split over the nodes
 * @param nodes             serving nodes
 * @param placement         one global pool or one pool per node
 * @param routing           request-to-node routing (matters only with local placement)
 * @param prefixHashBlocks  depth of the prefix that {@link HitRouting#PREFIX_HASH} hashes
 */
public record HitScenario(EvictionPolicy policy, int capacityBlocks, int nodes, PoolPlacement placement,
    HitRouting routing, int prefixHashBlocks)
{
    public HitScenario
    {
        if (capacityBlocks < 0)
        {
            throw new IllegalArgumentException("capacity_blocks is " + capacityBlocks + "; it must be >= 0");
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

    /** Pools this scenario runs: one for global placement, else one per node. */
    public int pools()
    {
        return placement.pools(nodes);
    }

    /** Capacity of pool {@code p}: an even split, the remainder going to the first pools. */
    public int poolCapacity(final int p)
    {
        final int n = pools();
        return capacityBlocks / n + (p < capacityBlocks % n ? 1 : 0);
    }
}
