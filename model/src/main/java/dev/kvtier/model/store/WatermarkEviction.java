package dev.kvtier.model.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The master's eviction plan for one pass, with upstream's numbers: counted in objects, not bytes;
 * {@code target = max(ratio, used - watermark + ratio)}, {@code lowerbound = max(target / 2, used - watermark)};
 * candidates are complete, unpinned objects whose lease expired, oldest lease first (the lease deadline is the LRU
 * clock). Pass 1 takes ordinary objects up to {@code ceil(N * target)}, everything tied with the last one
 * included; pass 2 runs only below {@code ceil(N * lowerbound)} and then takes soft-pinned objects too, if
 * allowed, up to the same target.
 */
record WatermarkEviction(List<StoreObject> victims)
{
    private static final Comparator<StoreObject> LEASE_ORDER =
        Comparator.comparingLong((StoreObject o) -> o.leaseTimeoutMs).thenComparing(o -> o.key);

    static WatermarkEviction plan(final Collection<StoreObject> objects, final double usedRatio,
        final MasterConfig config, final long nowMs)
    {
        final double hw = config.evictionHighWatermarkRatio();
        final double target = Math.max(config.evictionRatio(), usedRatio - hw + config.evictionRatio());
        final double lowerbound = Math.max(target * 0.5, usedRatio - hw);
        final List<StoreObject> ordinary = new ArrayList<>();
        final List<StoreObject> softPinned = new ArrayList<>();
        long evictable = 0;
        for (final StoreObject o : objects)
        {
            if (o.hardPin || !o.allComplete())
            {
                continue;
            }
            evictable++;
            if (o.leaseActive(nowMs))
            {
                continue;
            }
            (o.softPinned(nowMs) ? softPinned : ordinary).add(o);
        }
        final long ideal = (long)Math.ceil(evictable * target);
        final long minimum = (long)Math.ceil(evictable * lowerbound);
        ordinary.sort(LEASE_ORDER);
        softPinned.sort(LEASE_ORDER);
        final List<StoreObject> victims = new ArrayList<>();
        takeUpTo(ordinary, ideal, victims, true);
        if (victims.size() < minimum && config.allowEvictSoftPinnedObjects())
        {
            takeUpTo(softPinned, ideal, victims, false);
        }
        return new WatermarkEviction(victims);
    }

    /** Appends candidates in order until {@code limit}; with {@code ties}, also every one tied with the last. */
    private static void takeUpTo(final List<StoreObject> ordered, final long limit, final List<StoreObject> out,
        final boolean ties)
    {
        int i = 0;
        while (i < ordered.size() && out.size() < limit)
        {
            out.add(ordered.get(i++));
        }
        if (ties && !out.isEmpty() && i > 0)
        {
            final long last = ordered.get(i - 1).leaseTimeoutMs;
            while (i < ordered.size() && ordered.get(i).leaseTimeoutMs == last)
            {
                out.add(ordered.get(i++));
            }
        }
    }
}
