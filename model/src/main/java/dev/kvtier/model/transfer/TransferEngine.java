package dev.kvtier.model.transfer;

import dev.kvtier.model.node.MemoryRegion;

import java.util.List;

/**
 * The data plane a live runtime moves nodes' bytes with: one-sided reads and writes against memory that peers
 * registered, as the transfer engine's {@code registerLocalMemory} and {@code submitTransfer}. It lives in
 * {@code model} although only the live runtime drives it, because {@code transport-tcp} implements it now and
 * {@code transport-rdma} will later: the dependency rule ({@code model} ← {@code transport-*} ← {@code live})
 * leaves {@code model} as the one module every transport and the runtime see, and an interface does no I/O.
 * Finding a segment's endpoint is the {@link EndpointDirectory}'s business, not the engine's, so a transport only
 * says how to reach memory it offers and how to move bytes to an endpoint it is given.
 */
public interface TransferEngine extends AutoCloseable
{
    /** The protocol endpoints of this engine carry (the descriptors' {@code protocol}), e.g. {@code tcp}. */
    String protocol();

    /**
     * Opens {@code region}'s memory to peers' one-sided transfers under the name {@code segment}, its first byte at
     * the remote address {@code baseAddress}, and returns the endpoint to publish. Local and cheap: it registers,
     * it does not publish.
     *
     * @throws IllegalArgumentException when the engine cannot offer the region at that base (e.g. it has no bytes,
     *                                  or the transport addresses real memory and the base is not the region's)
     */
    SegmentEndpoint expose(String segment, MemoryRegion region, long baseAddress);

    /**
     * Prepares local memory a node registered for transfers (an RDMA engine maps and pins it, so that slices from
     * or into it need no registration on the data path); called on the node's thread once per region. A transport
     * that addresses memory through the kernel needs nothing, hence the default.
     */
    default void register(final MemoryRegion region)
    {
    }

    /**
     * Memory for a segment this process will expose, when the transport serves memory it allocated itself better
     * than any other (UCX over shared memory: peers attach to it and copy one-sidedly, where other memory needs the
     * owner's progress thread for every operation); null to let the caller map the segment as usual. The engine
     * owns what it returns and frees it when it closes.
     */
    default MemoryRegion allocateSegment(final long bytes)
    {
        return null;
    }

    /** Stops serving a segment {@link #expose} offered; peers' transfers into it fail from then on. */
    void withdraw(SegmentEndpoint endpoint);

    /**
     * Starts {@code slices} against the peer at {@code peer} and returns without waiting. {@code completion} runs
     * exactly once, on a transport thread, with {@code OK} only if every slice arrived, {@code PEER_DEAD} when the
     * peer could not be reached or the connection broke, {@code OUT_OF_RANGE} when the peer refused a range, and
     * {@code DEADLINE} when the transport's time limit ran out first. A failed write may have left part of its
     * bytes behind; a failed read leaves its destination undefined.
     */
    void submit(SegmentEndpoint peer, List<TransferSlice> slices, TransferCompletion completion);

    /** Stops serving every segment and fails nothing silently: batches still in flight complete with a status. */
    @Override
    void close();
}
