package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;

/**
 * Asks a worker to drop its device and host tiers (SGLang's {@code /flush_cache}; the L3 store keeps its
 * objects). The worker answers {@link FlushCacheReply} to the sender: flushed only when nothing is queued,
 * running, prefetching or backing up, since those hold pages of the tree.
 */
public record FlushCache(long id) implements Message
{
}
