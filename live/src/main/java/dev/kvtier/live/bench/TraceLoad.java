package dev.kvtier.live.bench;

import dev.kvtier.model.hicache.BlockTokens;
import dev.kvtier.workloads.trace.TraceRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mooncake trace replayed live at its own timestamps (divided by {@code rateScale}, measured from the first
 * record): each record becomes a {@code /generate} whose prompt is {@link BlockTokens#prompt} of its hash ids — the
 * tokens whose pages the simulator's page chain hashes, so live and simulated hits are comparable — and whose
 * answer is the record's {@code output_length} (at least 1) tokens. Prompts are made when sent, not up front: a
 * whole trace's prompts would not fit in memory.
 */
public final class TraceLoad implements LoadSource
{
    private final List<TraceRecord> records;
    private final long[] dueNs;
    private final long mismatchedBlocks;
    private int next;
    private int inFlight;

    public TraceLoad(final List<TraceRecord> records, final double rateScale)
    {
        if (!(rateScale > 0) || Double.isInfinite(rateScale))
        {
            throw new IllegalArgumentException("--rate-scale must be a positive number, got " + rateScale);
        }
        this.records = List.copyOf(records);
        this.dueNs = new long[records.size()];
        final long first = records.isEmpty() ? 0 : records.get(0).timestampMs();
        for (int i = 0; i < dueNs.length; i++)
        {
            dueNs[i] = Math.round((records.get(i).timestampMs() - first) * 1e6 / rateScale);
        }
        this.mismatchedBlocks = mismatchedBlocks(records);
    }

    /**
     * Block ids seen with a length other than their first: where the simulator's chain (a block's length fixed by
     * its first request) and the live prompt part. Prefix-chained traces have none.
     */
    public long mismatchedBlocks()
    {
        return mismatchedBlocks;
    }

    @Override
    public long planned()
    {
        return records.size();
    }

    @Override
    public synchronized long nextDueNs(final long lastDueNs)
    {
        return next < dueNs.length ? dueNs[next] : -1;
    }

    @Override
    public synchronized BenchRequest poll()
    {
        if (next >= records.size())
        {
            return null;
        }
        final int index = next++;
        inFlight++;
        return request(index, records.get(index));
    }

    @Override
    public synchronized long completed(final BenchRequest request, final GenerateOutcome outcome)
    {
        inFlight--;
        return 0;
    }

    @Override
    public synchronized boolean exhausted()
    {
        return next >= records.size() && inFlight == 0;
    }

    /** The {@code /generate} call for trace record {@code index}. */
    static BenchRequest request(final int index, final TraceRecord record)
    {
        return new BenchRequest(index, -1, -1, index, BlockTokens.prompt(record.hashIds(), record.inputLength()),
            Math.max(1, record.outputLength()));
    }

    private static long mismatchedBlocks(final List<TraceRecord> records)
    {
        final Map<Long, Integer> lengths = new HashMap<>();
        long mismatched = 0;
        for (final TraceRecord r : records)
        {
            for (int b = 0; b < r.hashIds().length; b++)
            {
                final Integer first = lengths.putIfAbsent(r.hashIds()[b], r.blockTokens(b));
                if (first != null && first != r.blockTokens(b))
                {
                    mismatched++;
                }
            }
        }
        return mismatched;
    }
}
