package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.PageSlotMap;
import dev.kvtier.model.store.MasterConfig;

/**
 * The L3 store seen page by page, for replays with no clock: one object per page, shared by every instance, with
 * the Mooncake master's eviction numbers and leases off. A read refreshes a page's age (the lease deadline is the
 * master's LRU clock); a put of a page already stored is skipped (the backup is deduplicated by an existence
 * check); a put that would take the store past the high watermark first evicts the oldest objects, {@code
 * max(ratio, used - watermark + ratio)} of them, as one pass of the master's eviction thread would.
 */
public final class StorePages
{
    private static final int NONE = -1;

    private final int capacity;
    private final double highWatermark;
    private final double evictionRatio;
    private final PageSlotMap index;
    private final RecencyList order;
    private int[] pageOf;
    private int[] freeSlots;
    private int freeCount;
    private int slotsUsed;
    private int size;
    private long puts;
    private long gets;
    private long evictions;

    /** A store of {@code capacity} pages with the master's default eviction ratio and high watermark. */
    public StorePages(final int capacity)
    {
        this(capacity, MasterConfig.defaults());
    }

    public StorePages(final int capacity, final MasterConfig config)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("l3_pages is " + capacity + "; it must be >= 1 (0 means no store)");
        }
        this.capacity = capacity;
        this.highWatermark = config.evictionHighWatermarkRatio();
        this.evictionRatio = config.evictionRatio();
        final int initial = (int)Math.min(capacity + 1L, 1 << 20);
        index = new PageSlotMap(initial);
        order = new RecencyList(initial);
        pageOf = new int[initial];
        freeSlots = new int[initial];
    }

    /**
     * The longest run of stored pages at the start of {@code pages[from, to)}: the batch existence query, which
     * counts consecutive keys from the first. Changes nothing.
     */
    public int storedPrefix(final int[] pages, final int from, final int to)
    {
        int i = from;
        while (i < to && index.get(pages[i]) >= 0)
        {
            i++;
        }
        return i - from;
    }

    /** Reads stored pages {@code pages[from, to)}, refreshing each (a read grants a lease). */
    public void read(final int[] pages, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            order.moveToHead(index.get(pages[i]));
        }
        gets += to - from;
    }

    /** Stores a page unless present; returns whether it was written. */
    public boolean put(final int pageId)
    {
        if (index.get(pageId) >= 0)
        {
            return false;
        }
        if (size + 1 > (long)Math.floor(highWatermark * capacity))
        {
            evictPass();
        }
        final int s;
        if (freeCount > 0)
        {
            s = freeSlots[--freeCount];
        }
        else
        {
            if (slotsUsed == pageOf.length)
            {
                pageOf = java.util.Arrays.copyOf(pageOf, slotsUsed * 2);
                freeSlots = java.util.Arrays.copyOf(freeSlots, slotsUsed * 2);
            }
            s = slotsUsed++;
        }
        pageOf[s] = pageId;
        index.put(pageId, s);
        order.moveToHead(s);
        size++;
        puts++;
        return true;
    }

    private void evictPass()
    {
        final double used = (double)size / capacity;
        final double target = Math.max(evictionRatio, used - highWatermark + evictionRatio);
        long victims = Math.max(1, (long)Math.ceil(size * target));
        while (victims-- > 0 && size > 0)
        {
            final int s = order.tail();
            if (s == NONE)
            {
                break;
            }
            order.unlink(s);
            index.remove(pageOf[s]);
            freeSlots[freeCount++] = s;
            size--;
            evictions++;
        }
    }

    public int size()
    {
        return size;
    }

    public long puts()
    {
        return puts;
    }

    public long gets()
    {
        return gets;
    }

    public long evictions()
    {
        return evictions;
    }
}
