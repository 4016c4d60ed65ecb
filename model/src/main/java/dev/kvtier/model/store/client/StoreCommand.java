package dev.kvtier.model.store.client;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.store.ReplicateConfig;

import java.util.List;

/**
 * What an application asks of a hosted {@link StoreClientNode}: the client library's calls as messages, so a
 * blocking facade (live) or a test driver (simulator) can drive the one client protocol without a copy of it.
 * Each command carries an id that its {@link StoreCommandReply} repeats.
 */
public sealed interface StoreCommand extends Message
{
    long id();

    /** Registers local memory for later puts and gets; the reply's single value is the region handle. */
    record Register(long id, MemoryRegion region) implements StoreCommand
    {
    }

    /** Stores each key from its slice; per key 0 or a negative code. */
    record Put(long id, List<String> keys, List<LocalSlice> sources, ReplicateConfig config) implements StoreCommand
    {
    }

    /** Reads each key into its slice; per key the bytes read or a negative code. */
    record Get(long id, List<String> keys, List<LocalSlice> destinations) implements StoreCommand
    {
    }

    /** Per key 1 if the store has it, else 0. */
    record Exists(long id, List<String> keys) implements StoreCommand
    {
    }

    /** Removes one key: 0 or a negative code. */
    record Remove(long id, String key, boolean force) implements StoreCommand
    {
    }

    /** Removes every object (leased ones only if forced): the count removed, or a negative code. */
    record RemoveAll(long id, boolean force) implements StoreCommand
    {
    }
}
