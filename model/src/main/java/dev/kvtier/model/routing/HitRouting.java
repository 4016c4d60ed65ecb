package dev.kvtier.model.routing;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a hit-rate replay spreads requests over nodes when each node has its own pool ({@link PoolPlacement#LOCAL}),
 * and the node each request goes to under it.
 */
public enum HitRouting
{
    ROUND_ROBIN, RANDOM,
    /** Hash of the request's prefix at a fixed depth, so turns of one conversation meet the same node. */
    PREFIX_HASH;

    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HitRouting parse(final String s)
    {
        for (final HitRouting r : values())
        {
            if (r.label().equals(s.trim().toLowerCase(Locale.ROOT)))
            {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown routing '" + s + "'; choose round_robin, random or prefix_hash");
    }

    /**
     * The pool each request goes to, in request order; all zeros for a single pool.
     *
     * @param pools            pools (nodes with a pool of their own), 1 for global placement
     * @param prefixHashBlocks depth of the prefix that {@link #PREFIX_HASH} hashes
     * @param seed             seed of the {@link #RANDOM} stream (unused by the other routings)
     */
    public int[] route(final BlockChains chains, final int pools, final int prefixHashBlocks, final long seed)
    {
        final int[] pool = new int[chains.requests()];
        if (pools == 1)
        {
            return pool;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < pool.length; r++)
        {
            pool[r] = switch (this)
            {
                case ROUND_ROBIN -> r % pools;
                case RANDOM -> random.nextInt(pools);
                case PREFIX_HASH ->
                {
                    final int depth = Math.min(chains.blockCount(r), prefixHashBlocks) - 1;
                    final int key = depth < 0 ? 0 : chains.block(r, depth);
                    yield (int)Long.remainderUnsigned(mix(key), pools);
                }
            };
        }
        return pool;
    }

    private static long mix(final long x)
    {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
