package dev.kvtier.live.serving;

import dev.kvtier.model.engine.KvPages;
import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.KvPagePattern;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.store.StoreKey;
import dev.kvtier.model.store.client.LocalSlice;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A live worker's L2 ↔ L3 page memory: registered off-heap staging slots, one set the prefetch reads land in and
 * one the backup writes leave from, a page per slot. A page is written with its {@link KvPagePattern} bytes before
 * it leaves, and checked against them when it lands, so every page a worker loads from the store is verified byte
 * for byte. Slots are allocated as batches first need them, up to one storage batch
 * ({@link HiCacheConfig#STORAGE_BATCH_PAGES}) per direction, so a worker holds only as much staging as its largest
 * batch so far. The host tier itself is counted in pages by the cache, not held: only pages crossing the network
 * need bytes.
 */
final class StagedKvPages implements KvPages
{
    private final NodeContext ctx;
    private final KvPagePattern pattern;
    private final int pageBytes;
    private final List<ByteBuffer> reads = new ArrayList<>();
    private final List<ByteBuffer> writes = new ArrayList<>();
    private final List<LocalSlice> readSlices = new ArrayList<>();
    private final List<LocalSlice> writeSlices = new ArrayList<>();

    StagedKvPages(final NodeContext ctx, final KvPagePattern pattern)
    {
        if (pattern.pageBytes() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("a page of " + pattern.pageBytes() + " bytes exceeds 2 GiB: lower "
                + "--page-size");
        }
        this.ctx = ctx;
        this.pattern = pattern;
        this.pageBytes = (int)pattern.pageBytes();
    }

    @Override
    public List<LocalSlice> readTargets(final int n)
    {
        grow(reads, readSlices, n);
        return readSlices.subList(0, n);
    }

    @Override
    public List<LocalSlice> writeSources(final List<StoreKey> keys)
    {
        final int n = keys.size();
        grow(writes, writeSlices, n);
        for (int i = 0; i < n; i++)
        {
            pattern.fill(writes.get(i), 0, keys.get(i).toString());
        }
        return writeSlices.subList(0, n);
    }

    @Override
    public boolean verify(final int slot, final StoreKey key)
    {
        return pattern.matches(reads.get(slot), 0, key.toString());
    }

    /** Staging bytes held now. */
    long bytes()
    {
        return (long)(reads.size() + writes.size()) * pageBytes;
    }

    private void grow(final List<ByteBuffer> buffers, final List<LocalSlice> slices, final int n)
    {
        if (n > HiCacheConfig.STORAGE_BATCH_PAGES)
        {
            throw new IllegalStateException(n + " pages in one storage batch; batches hold at most "
                + HiCacheConfig.STORAGE_BATCH_PAGES);
        }
        while (buffers.size() < n)
        {
            final ByteBuffer b = ByteBuffer.allocateDirect(pageBytes);
            buffers.add(b);
            slices.add(new LocalSlice(ctx.register(MemoryRegion.of(b)), 0, pageBytes));
        }
    }
}
