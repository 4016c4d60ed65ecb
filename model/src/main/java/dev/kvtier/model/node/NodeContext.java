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
     * Starts a bulk transfer of {@code bytes} between this node and {@code peer} (a one-sided read or write into a
     * registered segment, as the transfer engine does). The runtime reports the end with
     * {@link Node#onTransferDone(long, boolean)} carrying {@code transferId}; in the simulator the bytes share link
     * bandwidth with every other transfer in flight.
     *
     * @param read true when data flows from {@code peer} to this node, false for a write to {@code peer}
     */
    void transfer(NodeId peer, long bytes, boolean read, long transferId);

    /** This node's own random stream, seeded from the run's seed and the node's name. */
    RandomGenerator random();
}
