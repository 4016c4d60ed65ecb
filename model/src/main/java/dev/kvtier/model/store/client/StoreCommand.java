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

    /**
     * Stores each key from its slice; per key 0 or a negative code. {@code single}: a one-key put uses the
     * single-key RPCs, as upstream's {@code put} (else the batch ones, as {@code batch_put}).
     */
    record Put(long id, List<String> keys, List<LocalSlice> sources, ReplicateConfig config, boolean single)
        implements StoreCommand
    {
        public Put(final long id, final List<String> keys, final List<LocalSlice> sources,
            final ReplicateConfig config)
        {
            this(id, keys, sources, config, false);
        }
    }

    /** Reads each key into its slice; per key the bytes read or a negative code. {@code single} as for puts. */
    record Get(long id, List<String> keys, List<LocalSlice> destinations, boolean single) implements StoreCommand
    {
        public Get(final long id, final List<String> keys, final List<LocalSlice> destinations)
        {
            this(id, keys, destinations, false);
        }
    }

    /** Per key 1 if the store has it, else 0; a negative code for every key if the call failed. */
    record Exists(long id, List<String> keys) implements StoreCommand
    {
    }

    /** 1 if the key has a complete replica (granting a read lease), 0, or a negative code. */
    record IsExist(long id, String key) implements StoreCommand
    {
    }

    /** The object's size, or a negative code. */
    record GetSize(long id, String key) implements StoreCommand
    {
    }

    /** Removes the keys matching a regular expression: the count, or a negative code. */
    record RemoveByRegex(long id, String regex, boolean force) implements StoreCommand
    {
    }

    /** Unmounts the client's own segment before it goes: 0 or a negative code. */
    record Stop(long id) implements StoreCommand
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
