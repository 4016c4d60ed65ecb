package dev.kvtier.sim.hits;

/**
 * Size and shape of a replayed trace, reported beside every result so a figure can be traced to its input.
 *
 * @param requests     records in the trace
 * @param spanMs       last minus first timestamp
 * @param inputTokens  prompt tokens over all requests
 * @param outputTokens generated tokens over all requests
 * @param blockRefs    block references over all requests
 * @param uniqueBlocks distinct blocks (distinct prefixes)
 */
public record TraceStats(int requests, long spanMs, long inputTokens, long outputTokens, long blockRefs,
    int uniqueBlocks)
{
    public double meanInputTokens()
    {
        return requests == 0 ? 0 : (double)inputTokens / requests;
    }

    public double meanOutputTokens()
    {
        return requests == 0 ? 0 : (double)outputTokens / requests;
    }
}
