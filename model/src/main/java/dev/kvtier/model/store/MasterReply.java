package dev.kvtier.model.store;

import dev.kvtier.model.node.Message;

/**
 * The answer to one {@link MasterRequest}: its id, an error code and, on success, the operation's value
 * (replica descriptors, a boolean, a count, a {@link ClientStatus}, or null).
 */
public record MasterReply(long requestId, ErrorCode error, Object value) implements Message
{
}
