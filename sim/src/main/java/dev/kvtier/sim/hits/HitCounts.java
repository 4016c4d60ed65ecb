package dev.kvtier.sim.hits;

/**
 * What a replay counted, and the three hit ratios of the reporting convention: block-weighted, token-weighted
 * (a partial last block counts its real tokens) and the per-request mean of the token-weighted ratio.
 *
 * @param requests         requests replayed
 * @param blocks           block references
 * @param hitBlocks        block references that hit
 * @param tokens           prompt tokens
 * @param hitTokens        prompt tokens that hit
 * @param requestRatioSum  sum over requests of hit tokens / prompt tokens
 * @param evictions        blocks evicted over the whole replay
 */
public record HitCounts(long requests, long blocks, long hitBlocks, long tokens, long hitTokens,
    double requestRatioSum, long evictions)
{
    public double blockRatio()
    {
        return blocks == 0 ? 0 : (double)hitBlocks / blocks;
    }

    public double tokenRatio()
    {
        return tokens == 0 ? 0 : (double)hitTokens / tokens;
    }

    public double requestMeanRatio()
    {
        return requests == 0 ? 0 : requestRatioSum / requests;
    }
}
