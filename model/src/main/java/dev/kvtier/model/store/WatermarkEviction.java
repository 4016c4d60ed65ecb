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
        final List<StoreObject> victims = new ArrayList<>();
        takeOldest(ordinary, ideal, victims);
        softPinned.sort(LEASE_ORDER);
        if (victims.size() < minimum && config.allowEvictSoftPinnedObjects())
        {
            takeUpTo(softPinned, ideal, victims, false);
        }
        return new WatermarkEviction(victims);
    }

    /**
     * Pass 1: the {@code limit} oldest leases and every object tied with the last of them. Ties are all taken, so
     * the set is "lease at or before the limit-th smallest lease", found by selection in O(n) rather than a sort.
     */
    private static void takeOldest(final List<StoreObject> candidates, final long limit, final List<StoreObject> out)
    {
        if (limit <= 0 || candidates.isEmpty())
        {
            return;
        }
        if (candidates.size() <= limit)
        {
            out.addAll(candidates);
            return;
        }
        final long[] leases = new long[candidates.size()];
        for (int i = 0; i < leases.length; i++)
        {
            leases[i] = candidates.get(i).leaseTimeoutMs;
        }
        final long threshold = select(leases, (int)limit - 1);
        for (final StoreObject o : candidates)
        {
            if (o.leaseTimeoutMs <= threshold)
            {
                out.add(o);
            }
        }
    }

    /** The k-th smallest value (0-based); reorders {@code a}. Deterministic middle pivots. */
    static long select(final long[] a, final int k)
    {
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi)
        {
            final long pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }
                while (a[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    final long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }
        return a[k];
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
