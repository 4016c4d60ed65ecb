package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.StoreKey;
import dev.kvtier.model.store.client.LocalSlice;

import java.util.Collections;
import java.util.List;

/**
 * The memory a serving worker asks its runtime for: its device tier's KV region (exposed for PD hand-offs), the
 * pages it moves between host and L3 ({@link KvPages}), and the segment it contributes to the store. The
 * simulator's answer, {@link #VIRTUAL}, costs every byte without holding it; a live worker gets real staging and a
 * mapped segment, so the same worker code moves and checks real bytes.
 */
public interface WorkerMemory
{
    /** The store client id of instance {@code instance}: unique among the master's clients. */
    long clientId(int instance);

    /** Registers the device tier's KV memory and returns its handle (or -1 when nothing may transfer into it). */
    int device(NodeContext ctx, long bytes, boolean exposed);

    /** The page memory for L2 ↔ L3 moves; {@code hostBytes} is the host tier's KV capacity. */
    KvPages pages(NodeContext ctx, long pageBytes, long hostBytes);

    /** The segment this worker contributes, with the memory behind it, or null for {@code bytes == 0}. */
    Contribution segment(NodeContext ctx, long clientId, long bytes);

    /** A contributed segment and its memory. */
    record Contribution(Segment segment, MemoryRegion memory)
    {
    }

    /**
     * The simulator's memory: virtual regions (device, then host, in that order), every page costed from the host
     * region's first page-sized slice, and a segment at a base unique to the client.
     */
    WorkerMemory VIRTUAL = new WorkerMemory()
    {
        @Override
        public long clientId(final int instance)
        {
            return instance + 1L;
        }

        @Override
        public int device(final NodeContext ctx, final long bytes, final boolean exposed)
        {
            return ctx.register(MemoryRegion.virtual(bytes));
        }

        @Override
        public KvPages pages(final NodeContext ctx, final long pageBytes, final long hostBytes)
        {
            final int hostRegion = ctx.register(MemoryRegion.virtual(
                Math.max(hostBytes, HiCacheConfig.STORAGE_BATCH_PAGES * pageBytes)));
            final LocalSlice slice = new LocalSlice(hostRegion, 0, pageBytes);
            return new KvPages()
            {
                @Override
                public List<LocalSlice> readTargets(final int n)
                {
                    return Collections.nCopies(n, slice);
                }

                @Override
                public List<LocalSlice> writeSources(final List<StoreKey> keys)
                {
                    return Collections.nCopies(keys.size(), slice);
                }

                @Override
                public boolean verify(final int slot, final StoreKey key)
                {
                    return true;
                }
            };
        }

        @Override
        public Contribution segment(final NodeContext ctx, final long clientId, final long bytes)
        {
            if (bytes <= 0)
            {
                return null;
            }
            final String name = ctx.self().name();
            return new Contribution(new Segment(clientId, name, clientId << 44, bytes, clientId, name),
                MemoryRegion.virtual(bytes));
        }
    };
}
