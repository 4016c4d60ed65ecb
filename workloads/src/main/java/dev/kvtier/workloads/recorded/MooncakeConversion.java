package dev.kvtier.workloads.recorded;

import dev.kvtier.workloads.trace.TraceRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * Between recorded arrivals and Mooncake trace records. An import keeps the trace's hash ids and its millisecond
 * timestamps (as ns), so exporting an import gives the same lines back. An arrival whose chain is page keys is
 * exported with dense hash ids, in first-seen order, that keep its prefix sharing: a 512-token block is named by the
 * key of its last page (the page hash chain makes that key name the whole prefix), and a block past the last whole
 * page by that key and the block's length. Not thread-safe: the id map belongs to one export.
 */
public final class MooncakeConversion
{
    /** Tokens per Mooncake block. */
    public static final int BLOCK_TOKENS = TraceRecord.BLOCK_TOKENS;

    private final Map<String, Long> denseIds = new HashMap<>();

    /** The arrival of trace record {@code requestId}: time in ns, chain = the record's hash ids. */
    public static TraceArrival arrival(final long requestId, final TraceRecord r)
    {
        return TraceArrival.ofHashIds(requestId, r.timestampMs() * 1_000_000L, r.inputLength(), r.outputLength(),
            r.hashIds().clone());
    }

    /**
     * The Mooncake record of an arrival: timestamp in ms (rounded down), hash ids as recorded or derived from its
     * page keys.
     *
     * @throws IllegalArgumentException when a page-key chain's page size does not divide 512
     */
    public TraceRecord record(final TraceArrival a)
    {
        final long ms = Math.floorDiv(a.timeNs(), 1_000_000L);
        if (a.pageKeys().length == 0)
        {
            if (a.hashIds().length > 0 && a.chainTokens() != BLOCK_TOKENS)
            {
                throw new IllegalArgumentException("request " + a.requestId() + ": hash ids of " + a.chainTokens()
                    + "-token blocks; Mooncake traces have " + BLOCK_TOKENS);
            }
            return new TraceRecord(ms, a.promptTokens(), a.outputTokens(), a.hashIds().clone());
        }
        final int page = a.chainTokens();
        if (BLOCK_TOKENS % page != 0)
        {
            throw new IllegalArgumentException("request " + a.requestId() + ": page size " + page
                + " does not divide the " + BLOCK_TOKENS + "-token Mooncake block");
        }
        final int pagesPerBlock = BLOCK_TOKENS / page;
        final String[] keys = a.pageKeys();
        final long[] ids = new long[TraceRecord.blocksFor(a.promptTokens())];
        for (int b = 0; b < ids.length; b++)
        {
            final int lastPage = Math.min((b + 1) * pagesPerBlock, a.promptTokens() / page) - 1;
            final int blockEnd = Math.min((b + 1) * BLOCK_TOKENS, a.promptTokens());
            final String name;
            if (lastPage >= b * pagesPerBlock && lastPage < keys.length && (lastPage + 1) * page == blockEnd)
            {
                name = keys[lastPage];
            }
            else
            {
                name = (lastPage >= 0 && lastPage < keys.length ? keys[lastPage] : "") + "+" + blockEnd;
            }
            ids[b] = denseIds.computeIfAbsent(name, k -> (long)denseIds.size());
        }
        return new TraceRecord(ms, a.promptTokens(), a.outputTokens(), ids);
    }
}
