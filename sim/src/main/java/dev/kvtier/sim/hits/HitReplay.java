package dev.kvtier.sim.hits;

import dev.kvtier.model.cache.BlockCache;
import dev.kvtier.workloads.trace.TraceRecord;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Replays a trace against block pools with no notion of time and counts prefix hits, with the semantics that make
 * results comparable with published numbers:
 * <ol>
 *   <li>a request's hit is the longest prefix of its blocks that are all resident <em>before</em> it touches
 *       anything;</li>
 *   <li>its blocks are then touched or admitted from the deepest to the first, so no block is ever more recent
 *       than its ancestors, evicting as the policy says;</li>
 *   <li>capacity is counted in blocks, and a partial last block takes one block.</li>
 * </ol>
 */
public final class HitReplay
{
    private static final int PROGRESS_EVERY = 64;

    private HitReplay()
    {
    }

    /** The ceiling: one pool of unbounded capacity, every block kept forever. */
    public static HitCounts ideal(final BlockTrace trace)
    {
        final boolean[] seen = new boolean[trace.idSpace()];
        final Tally tally = new Tally();
        for (int r = 0; r < trace.requests(); r++)
        {
            final int n = trace.blockCount(r);
            int hits = 0;
            while (hits < n && seen[trace.block(r, hits)])
            {
                hits++;
            }
            tally.add(trace, r, hits);
            for (int j = 0; j < n; j++)
            {
                seen[trace.block(r, j)] = true;
            }
        }
        return tally.counts(0);
    }

    /**
     * Runs one scenario.
     *
     * @param seed     seed of the random routing stream (unused by the other routings)
     * @param progress receives the number of block references replayed since its last call; may be null
     */
    public static HitCounts run(final BlockTrace trace, final HitScenario scenario, final long seed,
        final LongConsumer progress)
    {
        final int pools = scenario.pools();
        final int[] pool = scenario.routing().route(trace, pools, scenario.prefixHashBlocks(), seed);
        final BlockCache[] caches = new BlockCache[pools];
        for (int p = 0; p < pools; p++)
        {
            caches[p] = scenario.policy().create(scenario.poolCapacity(p), trace.idSpace(), TraceRecord.BLOCK_TOKENS);
        }
        final int[] nextUse = scenario.policy().offline() ? nextUse(trace, pool, pools) : null;
        final Tally tally = new Tally();
        long pendingProgress = 0;
        for (int r = 0; r < trace.requests(); r++)
        {
            final BlockCache cache = caches[pool[r]];
            final int n = trace.blockCount(r);
            int hits = 0;
            while (hits < n && cache.contains(trace.block(r, hits)))
            {
                hits++;
            }
            tally.add(trace, r, hits);
            final int first = trace.firstRef(r);
            for (int j = n - 1; j >= 0; j--)
            {
                cache.access(trace.block(r, j), j, trace.blockTokens(r, j),
                    nextUse == null ? BlockCache.NEVER : nextUse[first + j]);
            }
            pendingProgress += n;
            if (progress != null && (r % PROGRESS_EVERY == 0 || r == trace.requests() - 1))
            {
                progress.accept(pendingProgress);
                pendingProgress = 0;
            }
        }
        long evictions = 0;
        for (final BlockCache c : caches)
        {
            evictions += c.evictions();
        }
        return tally.counts(evictions);
    }

    /**
     * For every block reference, the index of the next request on the same pool that references the same block,
     * or {@link BlockCache#NEVER}.
     */
    static int[] nextUse(final BlockTrace trace, final int[] pool, final int pools)
    {
        final int[] next = new int[trace.blockRefs()];
        final int[][] upcoming = new int[pools][];
        for (int p = 0; p < pools; p++)
        {
            upcoming[p] = new int[trace.idSpace()];
            Arrays.fill(upcoming[p], BlockCache.NEVER);
        }
        for (int r = trace.requests() - 1; r >= 0; r--)
        {
            final int[] seen = upcoming[pool[r]];
            final int first = trace.firstRef(r);
            for (int j = 0; j < trace.blockCount(r); j++)
            {
                final int b = trace.block(r, j);
                next[first + j] = seen[b];
                seen[b] = r;
            }
        }
        return next;
    }

    /** Running sums of one replay. */
    private static final class Tally
    {
        private long requests;
        private long blocks;
        private long hitBlocks;
        private long tokens;
        private long hitTokens;
        private double requestRatioSum;

        void add(final BlockTrace trace, final int r, final int hits)
        {
            final int n = trace.blockCount(r);
            final int input = trace.inputLength(r);
            long hitTok = 0;
            for (int j = 0; j < hits; j++)
            {
                hitTok += trace.blockTokens(r, j);
            }
            requests++;
            blocks += n;
            hitBlocks += hits;
            tokens += input;
            hitTokens += hitTok;
            requestRatioSum += input == 0 ? 0 : (double)hitTok / input;
        }

        HitCounts counts(final long evictions)
        {
            return new HitCounts(requests, blocks, hitBlocks, tokens, hitTokens, requestRatioSum, evictions);
        }
    }
}
