package dev.kvtier.model.engine;

import dev.kvtier.model.store.StoreKey;
import dev.kvtier.model.store.client.LocalSlice;

import java.util.List;

/**
 * Where the KV pages a worker moves between its host tier and L3 sit in its memory while they move, and what their
 * bytes must be. The simulator costs bytes without placing them: every page uses one slice of a virtual region and
 * nothing is checked. A live worker has real staging memory: a page it backs up is written there with its
 * deterministic bytes first, and a page it prefetches is checked byte for byte when it lands, so a store that
 * returns the wrong value is seen as a mismatch instead of passing as a hit.
 *
 * <p>The L2 → L3 backup and the L3 → L2 prefetch each run one batch at a time, so each needs at most
 * {@link dev.kvtier.model.hicache.HiCacheConfig#STORAGE_BATCH_PAGES} slots.
 */
public interface KvPages
{
    /** The slices a read batch of {@code n} pages lands in, slot {@code i} for page {@code i} of the batch. */
    List<LocalSlice> readTargets(int n);

    /** Prepares the write batch's pages (slot {@code i} holds the bytes of {@code keys.get(i)}) and names them. */
    List<LocalSlice> writeSources(List<StoreKey> keys);

    /** Whether the page read into slot {@code slot} holds the bytes of {@code key}. */
    boolean verify(int slot, StoreKey key);
}
