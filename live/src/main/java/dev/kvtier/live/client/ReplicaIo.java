package dev.kvtier.live.client;

import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.transport.tcp.transfer.TransferClient;
import dev.kvtier.transport.tcp.transfer.TransferException;
import dev.kvtier.transport.tcp.transfer.TransferOp;
import dev.kvtier.transport.tcp.transfer.TransferStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's data path: moves object bytes to and from the replicas the master handed out, grouped per holding
 * segment so each peer gets one pipelined batch, and turns every failure into a negative {@link ErrorCode} — a
 * dead or hung peer is {@code TRANSFER_FAIL}, a rejected range {@code INVALID_WRITE}/{@code INVALID_READ}.
 */
final class ReplicaIo implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ReplicaIo.class.getName());

    private final SegmentDirectory directory;
    private final TransferClient transfers;

    ReplicaIo(final SegmentDirectory directory, final TransferClient transfers)
    {
        this.directory = directory;
        this.transfers = transfers;
    }

    /** Writes every source to every one of its replicas; 0 or a negative code per source. */
    int[] writeAll(final List<List<ReplicaDescriptor>> placements, final List<ByteBuffer> sources)
    {
        final int[] codes = new int[sources.size()];
        final Map<String, List<int[]>> bySegment = new LinkedHashMap<>();
        for (int i = 0; i < placements.size(); i++)
        {
            for (int r = 0; r < placements.get(i).size(); r++)
            {
                bySegment.computeIfAbsent(placements.get(i).get(r).segmentName(), k -> new ArrayList<>())
                    .add(new int[] {i, r});
            }
        }
        for (final Map.Entry<String, List<int[]>> e : bySegment.entrySet())
        {
            final List<TransferOp> ops = new ArrayList<>();
            for (final int[] ir : e.getValue())
            {
                ops.add(new TransferOp(true, placements.get(ir[0]).get(ir[1]).bufferAddress(), sources.get(ir[0])));
            }
            final int[] status = run(e.getKey(), ops);
            for (int k = 0; k < status.length; k++)
            {
                if (status[k] != 0)
                {
                    codes[e.getValue().get(k)[0]] = status[k];
                }
            }
        }
        return codes;
    }

    /**
     * Reads object {@code i} (for each {@code i} in {@code todo}) from its first replica into {@code dsts[i]},
     * falling back to the others one by one; stores the bytes read or a negative code in {@code out[i]}.
     */
    void readAll(final List<List<ReplicaDescriptor>> replicas, final List<ByteBuffer> dsts, final List<Integer> todo,
        final long[] out)
    {
        final Map<String, List<Integer>> bySegment = new LinkedHashMap<>();
        for (final int i : todo)
        {
            bySegment.computeIfAbsent(replicas.get(i).get(0).segmentName(), k -> new ArrayList<>()).add(i);
        }
        for (final Map.Entry<String, List<Integer>> e : bySegment.entrySet())
        {
            final List<TransferOp> ops = new ArrayList<>();
            for (final int i : e.getValue())
            {
                ops.add(readOp(replicas.get(i).get(0), dsts.get(i)));
            }
            final int[] status = run(e.getKey(), ops);
            for (int k = 0; k < status.length; k++)
            {
                final int i = e.getValue().get(k);
                out[i] = status[k] == 0 ? replicas.get(i).get(0).size()
                    : otherReplicas(replicas.get(i), dsts.get(i), status[k]);
            }
        }
    }

    private long otherReplicas(final List<ReplicaDescriptor> replicas, final ByteBuffer dst, final int firstError)
    {
        for (int r = 1; r < replicas.size(); r++)
        {
            final ReplicaDescriptor d = replicas.get(r);
            if (run(d.segmentName(), List.of(readOp(d, dst)))[0] == 0)
            {
                return d.size();
            }
        }
        return firstError;
    }

    private static TransferOp readOp(final ReplicaDescriptor d, final ByteBuffer dst)
    {
        final ByteBuffer slice = dst.duplicate();
        slice.limit(slice.position() + (int)d.size());
        return new TransferOp(false, d.bufferAddress(), slice);
    }

    /** One pipelined batch on one segment's peer; 0 or a negative code per op. */
    private int[] run(final String segment, final List<TransferOp> ops)
    {
        final int[] out = new int[ops.size()];
        InetSocketAddress peer = null;
        try
        {
            peer = directory.resolve(segment);
            final int[] status = transfers.run(peer, ops);
            for (int i = 0; i < status.length; i++)
            {
                out[i] = status[i] == TransferStatus.OK ? 0 : (ops.get(i).write() ? ErrorCode.INVALID_WRITE.code()
                    : ErrorCode.INVALID_READ.code());
            }
        }
        catch (final IOException | TransferException e)
        {
            LOG.log(System.Logger.Level.WARNING, "transfer to segment " + segment + " failed: " + e.getMessage());
            directory.invalidate(segment);
            if (peer != null)
            {
                transfers.forget(peer);
            }
            Arrays.fill(out, ErrorCode.TRANSFER_FAIL.code());
        }
        return out;
    }

    @Override
    public void close()
    {
        transfers.close();
    }
}
