package dev.kvtier.live.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;

/**
 * Where a live node's messages to nodes outside this process go: the transport that owns those addresses (for the
 * master, one address per client connection).
 */
public interface RemoteLink
{
    /** Delivers {@code message} to the remote {@code to}; drops it if that peer is gone. */
    void send(NodeId to, Message message);

    /** A request from {@code from} waited past its deadline before the node could take it: answer with an error. */
    void expired(NodeId from, Message message);
}
