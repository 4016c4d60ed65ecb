package dev.kvtier.model.node;

import java.util.random.RandomGenerator;

/**
 * Everything a node may ask of the runtime hosting it. This interface is the seam between the model and the two
 * runtimes: the simulator implements it with a virtual clock and a simulated network, the live runtime with a
 * timer wheel and sockets.
 */
public interface NodeContext
{
    /** This node's address. */
    NodeId self();

    /** Current time in nanoseconds: virtual in the simulator, monotonic in a live process. */
    long now();

    /** Fires {@link Node#onTimer(long)} after {@code delayNs}; re-scheduling an id replaces its pending timer. */
    void schedule(long delayNs, long timerId);

    /** Cancels a pending timer; a no-op if it is not pending. */
    void cancel(long timerId);

    /** Sends a message; delivery time (or loss) is the runtime's network's business. */
    void send(NodeId to, Message message);

    /**
     * Registers local memory for transfers and returns the handle transfer slices name it by. Live, the
     * region's buffer must stay valid until the node is stopped; in the simulator a virtual region costs transfers
     * without copying bytes.
     */
    int register(MemoryRegion region);

    /**
     * Offers a registered region to peers as the segment {@code segment}, its first byte at the remote address
     * {@code baseAddress} (the base the node mounts with the master), so that peers' one-sided transfers land in
     * it. The runtime's segment directory is where peers resolve the name: the simulator keeps a table of its
     * nodes, the live runtime publishes the transport's endpoint to the metadata service.
     */
    void expose(String segment, int region, long baseAddress);

    /**
     * Starts a batch of one-sided transfers, as the transfer engine's {@code submitTransfer}: every slice of the
     * batch should go to one segment (a peer gets one pipelined batch). The runtime reports the end once, with
     * {@link Node#onTransferDone(long, TransferStatus)} carrying {@code tag}: {@code OK} only if every slice
     * arrived, otherwise the first failure. In the simulator the bytes share link bandwidth with every other
     * transfer in flight and may fail as the run's fault plan says; live they travel on the transport's lanes.
     * A failed write may have left part of its bytes behind.
     */
    void transfer(TransferBatch batch, long tag);

    /** This node's own random stream, seeded from the run's seed and the node's name. */
    RandomGenerator random();
}
