package dev.kvtier.model.node.input;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;

/**
 * A message the node took, with its sender (a node, or a remote peer's address such as a client connection).
 *
 * @param timeNs  when the node took it
 * @param from    the sender the node saw
 * @param message the message itself (immutable, as every message)
 */
public record Delivery(long timeNs, NodeId from, Message message) implements NodeInput
{
}
