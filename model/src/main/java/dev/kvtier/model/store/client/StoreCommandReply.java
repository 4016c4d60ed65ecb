package dev.kvtier.model.store.client;

import dev.kvtier.model.node.Message;

/**
 * The answer to one {@link StoreCommand}: its id and one value per key (or a single value), in the client API's
 * convention: non-negative on success, a negative {@code ErrorCode} on failure.
 */
public record StoreCommandReply(long id, long[] values) implements Message
{
}
