package dev.kvtier.sim.hits;

import dev.kvtier.model.routing.BlockChains;
import dev.kvtier.workloads.trace.TraceRecord;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A whole trace held as primitive arrays, with block ids remapped to dense integers so that cache policies can
 * index arrays by id. The remap is keyed by (parent, id): a block is the same block only under the same prefix,
 * so traces whose hashes are per block rather than prefix-chained are still matched as a prefix trie would.
 */
public final class BlockTrace implements BlockChains
{
    private final int requests;
    private final long[] timestampMs;
    private final int[] inputLength;
    private final int[] outputLength;
    private final int[] blockStart;
    private final int[] blocks;
    private final int idSpace;

    private BlockTrace(
        final int requests,
        final long[] timestampMs,
        final int[] inputLength,
        final int[] outputLength,
        final int[] blockStart,
        final int[] blocks,
        final int idSpace)
    {
        this.requests = requests;
        this.timestampMs = timestampMs;
        this.inputLength = inputLength;
        this.outputLength = outputLength;
        this.blockStart = blockStart;
        this.blocks = blocks;
        this.idSpace = idSpace;
    }

    /** Reads every record; the iterator's own validation errors pass through. */
    public static BlockTrace load(final Iterator<TraceRecord> records)
    {
        final Map<ChainKey, Integer> dense = new HashMap<>();
        long[] ts = new long[1024];
        int[] in = new int[1024];
        int[] out = new int[1024];
        int[] start = new int[1025];
        int[] ids = new int[16384];
        int n = 0;
        int refs = 0;
        while (records.hasNext())
        {
            final TraceRecord r = records.next();
            if (n == ts.length)
            {
                ts = Arrays.copyOf(ts, n * 2);
                in = Arrays.copyOf(in, n * 2);
                out = Arrays.copyOf(out, n * 2);
                start = Arrays.copyOf(start, n * 2 + 1);
            }
            ts[n] = r.timestampMs();
            in[n] = r.inputLength();
            out[n] = r.outputLength();
            final long[] hashIds = r.hashIds();
            if (refs + hashIds.length > ids.length)
            {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, refs + hashIds.length));
            }
            int parent = -1;
            for (final long id : hashIds)
            {
                final ChainKey key = new ChainKey(parent, id);
                Integer d = dense.get(key);
                if (d == null)
                {
                    d = dense.size();
                    dense.put(key, d);
                }
                ids[refs++] = d;
                parent = d;
            }
            start[++n] = refs;
        }
        return new BlockTrace(n, Arrays.copyOf(ts, n), Arrays.copyOf(in, n), Arrays.copyOf(out, n),
            Arrays.copyOf(start, n + 1), Arrays.copyOf(ids, refs), dense.size());
    }

    @Override
    public int requests()
    {
        return requests;
    }

    /** Dense block ids range over {@code [0, idSpace)}. */
    public int idSpace()
    {
        return idSpace;
    }

    /** Block references over all requests. */
    public int blockRefs()
    {
        return blocks.length;
    }

    public long timestampMs(final int request)
    {
        return timestampMs[request];
    }

    public int inputLength(final int request)
    {
        return inputLength[request];
    }

    public int outputLength(final int request)
    {
        return outputLength[request];
    }

    @Override
    public int blockCount(final int request)
    {
        return blockStart[request + 1] - blockStart[request];
    }

    /** Dense id of block {@code index} of {@code request}. */
    @Override
    public int block(final int request, final int index)
    {
        return blocks[blockStart[request] + index];
    }

    /** Offset of the request's first block among all block references. */
    public int firstRef(final int request)
    {
        return blockStart[request];
    }

    /** Tokens in block {@code index} of {@code request}: 512, or what is left for a partial last block. */
    public int blockTokens(final int request, final int index)
    {
        final int last = blockCount(request) - 1;
        return index == last ? inputLength[request] - TraceRecord.BLOCK_TOKENS * last : TraceRecord.BLOCK_TOKENS;
    }

    /** Summary figures of the trace for reports. */
    public TraceStats stats()
    {
        long input = 0;
        long output = 0;
        for (int r = 0; r < requests; r++)
        {
            input += inputLength[r];
            output += outputLength[r];
        }
        final long span = requests == 0 ? 0 : timestampMs[requests - 1] - timestampMs[0];
        return new TraceStats(requests, span, input, output, blocks.length, idSpace);
    }

    private record ChainKey(int parent, long id)
    {
    }
}
