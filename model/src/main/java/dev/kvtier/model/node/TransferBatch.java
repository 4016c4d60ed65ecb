package dev.kvtier.model.node;

import java.util.Arrays;

/**
 * The slices of one {@link NodeContext#transfer} call, kept as columns (opcode, segment, remote address, local
 * region, local offset, length per slice) rather than as one {@link TransferRequest} object per slice in a list.
 * The serving simulator moves every page a backup writes as a slice of its own: 1.4 M slices on the conversation
 * trace, which as objects were a tenth of what the event loop allocated, read back once by the runtime that costs
 * them. A batch is filled by its maker and then handed to the runtime, which only reads it.
 */
public final class TransferBatch
{
    private boolean[] writes;
    private String[] segments;
    private long[] remoteAddresses;
    private int[] localRegions;
    private long[] localOffsets;
    private long[] lengths;
    private int size;
    private long bytes;

    /** An empty batch with room for {@code capacity} slices before it grows. */
    public TransferBatch(final int capacity)
    {
        final int n = Math.max(1, capacity);
        writes = new boolean[n];
        segments = new String[n];
        remoteAddresses = new long[n];
        localRegions = new int[n];
        localOffsets = new long[n];
        lengths = new long[n];
    }

    /** A batch of the given slices, in order. */
    public static TransferBatch of(final TransferRequest... requests)
    {
        final TransferBatch batch = new TransferBatch(requests.length);
        for (final TransferRequest r : requests)
        {
            batch.add(r);
        }
        return batch;
    }

    /** Appends one slice. */
    public TransferBatch add(final TransferRequest r)
    {
        return add(r.opcode() == TransferRequest.Opcode.WRITE, r.segment(), r.remoteAddress(), r.localRegion(),
            r.localOffset(), r.length());
    }

    /**
     * Appends one slice: {@code length} bytes between {@code remoteAddress} of segment {@code segment} and
     * {@code [localOffset, localOffset + length)} of the registered region {@code localRegion}, pushed to the remote
     * if {@code write}, else pulled from it.
     */
    public TransferBatch add(final boolean write, final String segment, final long remoteAddress, final int localRegion,
        final long localOffset, final long length)
    {
        if (size == writes.length)
        {
            final int n = size * 2;
            writes = Arrays.copyOf(writes, n);
            segments = Arrays.copyOf(segments, n);
            remoteAddresses = Arrays.copyOf(remoteAddresses, n);
            localRegions = Arrays.copyOf(localRegions, n);
            localOffsets = Arrays.copyOf(localOffsets, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        writes[size] = write;
        segments[size] = segment;
        remoteAddresses[size] = remoteAddress;
        localRegions[size] = localRegion;
        localOffsets[size] = localOffset;
        lengths[size] = length;
        bytes += length;
        size++;
        return this;
    }

    public int size()
    {
        return size;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    /** Bytes of all slices together. */
    public long bytes()
    {
        return bytes;
    }

    /** Whether slice {@code i} pushes local bytes to the remote (a WRITE); otherwise it pulls them (a READ). */
    public boolean isWrite(final int i)
    {
        return writes[check(i)];
    }

    public String segment(final int i)
    {
        return segments[check(i)];
    }

    public long remoteAddress(final int i)
    {
        return remoteAddresses[check(i)];
    }

    public int localRegion(final int i)
    {
        return localRegions[check(i)];
    }

    public long localOffset(final int i)
    {
        return localOffsets[check(i)];
    }

    public long length(final int i)
    {
        return lengths[check(i)];
    }

    /** Slice {@code i} as a value, for code that wants one object per slice. */
    public TransferRequest get(final int i)
    {
        return new TransferRequest(isWrite(i) ? TransferRequest.Opcode.WRITE : TransferRequest.Opcode.READ,
            segments[i], remoteAddresses[i], localRegions[i], localOffsets[i], lengths[i]);
    }

    private int check(final int i)
    {
        if (i < 0 || i >= size)
        {
            throw new IndexOutOfBoundsException("slice " + i + " of a batch of " + size);
        }
        return i;
    }
}
