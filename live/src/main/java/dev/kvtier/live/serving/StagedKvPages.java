package dev.kvtier.live.serving;

import dev.kvtier.model.engine.KvPages;
import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.KvPagePattern;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.store.client.LocalSlice;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A live worker's L2 ↔ L3 page memory: two registered off-heap staging areas of one storage batch each, one the
 * prefetch reads land in and one the backup writes leave from. A page is written with its {@link KvPagePattern}
 * bytes before it leaves, and checked against them when it lands, so every page a worker loads from the store is
 * verified byte for byte. The host tier itself is counted in pages by the cache, not held: only the pages crossing
 * the network need bytes.
 */
final class StagedKvPages implements KvPages
{
    private final KvPagePattern pattern;
    private final int pageBytes;
    private final ByteBuffer reads;
    private final ByteBuffer writes;
    private final List<LocalSlice> readSlices;
    private final List<LocalSlice> writeSlices;

    StagedKvPages(final NodeContext ctx, final KvPagePattern pattern)
    {
        final int slots = HiCacheConfig.STORAGE_BATCH_PAGES;
        if (pattern.pageBytes() * (long)slots > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("a storage batch of " + slots + " pages of " + pattern.pageBytes()
                + " bytes exceeds 2 GiB of staging: lower --page-size");
        }
        this.pattern = pattern;
        this.pageBytes = (int)pattern.pageBytes();
        this.reads = ByteBuffer.allocateDirect(pageBytes * slots);
        this.writes = ByteBuffer.allocateDirect(pageBytes * slots);
        final int readRegion = ctx.register(MemoryRegion.of(reads));
        final int writeRegion = ctx.register(MemoryRegion.of(writes));
        this.readSlices = new ArrayList<>(slots);
        this.writeSlices = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++)
        {
            readSlices.add(new LocalSlice(readRegion, (long)i * pageBytes, pageBytes));
            writeSlices.add(new LocalSlice(writeRegion, (long)i * pageBytes, pageBytes));
        }
    }

    @Override
    public List<LocalSlice> readTargets(final int n)
    {
        return readSlices.subList(0, checked(n));
    }

    @Override
    public List<LocalSlice> writeSources(final List<String> keys)
    {
        final int n = checked(keys.size());
        for (int i = 0; i < n; i++)
        {
            pattern.fill(writes, i * pageBytes, keys.get(i));
        }
        return writeSlices.subList(0, n);
    }

    @Override
    public boolean verify(final int slot, final String key)
    {
        checked(slot + 1);
        return pattern.matches(reads, slot * pageBytes, key);
    }

    private int checked(final int n)
    {
        if (n > readSlices.size())
        {
            throw new IllegalStateException(n + " pages in one storage batch, staging holds " + readSlices.size());
        }
        return n;
    }
}
