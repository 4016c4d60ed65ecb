package dev.kvtier.transport.sim;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;

/**
 * The simulated network between nodes: decides when a message sent now arrives, or that it never does. The
 * simulator asks it once per send, so a model may keep state (link queues, partitions) as long as it is
 * deterministic.
 */
public interface NetworkModel
{
    /** Delay marker for a message the network drops. */
    long DROP = -1;

    /**
     * @param nowNs send time
     * @return delay until delivery in nanoseconds (0 or more), or {@link #DROP}
     */
    long deliveryDelayNs(NodeId from, NodeId to, Message message, long nowNs);
}
