package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;

/** The answer to {@link FlushCache} {@code id}: whether the tiers were dropped, else why not. */
public record FlushCacheReply(long id, boolean flushed, String reason) implements Message
{
}
