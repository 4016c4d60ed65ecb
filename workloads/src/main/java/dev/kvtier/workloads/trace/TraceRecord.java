package dev.kvtier.workloads.trace;

import java.util.Arrays;

/**
 * One request of a Mooncake-format trace: when it arrived, how long its prompt and answer are, and the prefix
 * block hashes of its prompt. The hashes are prefix-chained, so one id names its whole prefix; the last block may
 * be partial, and {@link #blockTokens(int)} tells its real size.
 *
 * @param timestampMs  arrival time in milliseconds from the start of the trace
 * @param inputLength  prompt tokens
 * @param outputLength generated tokens
 * @param hashIds      one id per {@value #BLOCK_TOKENS}-token block of the prompt, first block first
 */
public record TraceRecord(long timestampMs, int inputLength, int outputLength, long[] hashIds)
{
    /** Tokens per trace block in the Mooncake format. */
    public static final int BLOCK_TOKENS = 512;

    /** Number of blocks a prompt of {@code inputLength} tokens occupies. */
    public static int blocksFor(final int inputLength)
    {
        return (inputLength + BLOCK_TOKENS - 1) / BLOCK_TOKENS;
    }

    /** Tokens held by block {@code index}: 512, except a partial last block. */
    public int blockTokens(final int index)
    {
        return index == hashIds.length - 1 ? inputLength - BLOCK_TOKENS * (hashIds.length - 1) : BLOCK_TOKENS;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TraceRecord r && r.timestampMs == timestampMs && r.inputLength == inputLength
            && r.outputLength == outputLength && Arrays.equals(r.hashIds, hashIds);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(timestampMs) * 31 + Arrays.hashCode(hashIds);
    }

    @Override
    public String toString()
    {
        return "TraceRecord[t=" + timestampMs + "ms, in=" + inputLength + ", out=" + outputLength
            + ", blocks=" + hashIds.length + "]";
    }
}
