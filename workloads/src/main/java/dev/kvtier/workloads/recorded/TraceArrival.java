package dev.kvtier.workloads.recorded;

import java.util.Arrays;
import java.util.Objects;

/**
 * One request as it arrived, with what a simulator needs to replay it: its time, its sizes and its prompt's prefix
 * chain. The chain is either page keys (hex strings of the page hash chain, as a live worker names its pages) or
 * the block hash ids of a Mooncake trace; {@link #chainTokens} says how many prompt tokens one entry covers.
 *
 * @param requestId    the request's id, unique in the trace; its outcome carries the same id
 * @param timeNs       arrival time in ns from the start of the run (Mooncake ms × 1,000,000 for an import)
 * @param promptTokens prompt tokens
 * @param outputTokens output tokens asked for (or generated, for a trace)
 * @param chainTokens  tokens per chain entry: 512 for Mooncake blocks, the page size for page keys
 * @param hashIds      Mooncake block hash ids, first block first; empty when the chain is page keys
 * @param pageKeys     page keys, first page first; empty when the chain is block hash ids
 * @param sessionId    the conversation, or {@link #UNKNOWN} when not known
 * @param turn         the turn within the conversation from 0, or {@link #UNKNOWN} when not known
 */
public record TraceArrival(long requestId, long timeNs, int promptTokens, int outputTokens, int chainTokens,
    long[] hashIds, String[] pageKeys, long sessionId, int turn)
{
    /** Session or turn not known. */
    public static final int UNKNOWN = -1;
    private static final long[] NO_IDS = new long[0];
    private static final String[] NO_KEYS = new String[0];

    public TraceArrival
    {
        hashIds = hashIds == null ? NO_IDS : hashIds;
        pageKeys = pageKeys == null ? NO_KEYS : pageKeys;
        if (hashIds.length > 0 && pageKeys.length > 0)
        {
            throw new IllegalArgumentException("request " + requestId + ": a chain is hash ids or page keys, not both");
        }
        if (chainTokens < 1)
        {
            throw new IllegalArgumentException("request " + requestId + ": chainTokens must be >= 1");
        }
    }

    /** An arrival whose chain is Mooncake block hash ids, session and turn unknown. */
    public static TraceArrival ofHashIds(final long requestId, final long timeNs, final int promptTokens,
        final int outputTokens, final long[] hashIds)
    {
        return new TraceArrival(requestId, timeNs, promptTokens, outputTokens, MooncakeConversion.BLOCK_TOKENS,
            hashIds, NO_KEYS, UNKNOWN, UNKNOWN);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TraceArrival a && a.requestId == requestId && a.timeNs == timeNs
            && a.promptTokens == promptTokens && a.outputTokens == outputTokens && a.chainTokens == chainTokens
            && Arrays.equals(a.hashIds, hashIds) && Arrays.equals(a.pageKeys, pageKeys) && a.sessionId == sessionId
            && a.turn == turn;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(requestId, timeNs, promptTokens, outputTokens, Arrays.hashCode(hashIds),
            Arrays.hashCode(pageKeys), sessionId, turn);
    }

    @Override
    public String toString()
    {
        return "TraceArrival[id=" + requestId + ", t=" + timeNs + "ns, prompt=" + promptTokens + ", out="
            + outputTokens + ", chain=" + (pageKeys.length > 0 ? pageKeys.length + " page keys"
            : hashIds.length + " hash ids") + " of " + chainTokens + " tokens, session=" + sessionId + ", turn="
            + turn + "]";
    }
}
