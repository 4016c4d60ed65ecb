package dev.kvtier.model.store;

import java.util.ArrayList;
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

    /** Arrays reused from one pass to the next: a pass may visit hundreds of thousands of objects. */
    static final class Scratch
    {
        int[] ordinary = new int[0];
        long[] leases = new long[0];

        void ensure(final int n)
        {
            if (ordinary.length < n)
            {
                ordinary = new int[n];
                leases = new long[n];
            }
        }
    }

    static WatermarkEviction plan(final ObjectTable objects, final double usedRatio, final MasterConfig config,
        final long nowMs, final Scratch scratch)
    {
        final double hw = config.evictionHighWatermarkRatio();
        final double target = Math.max(config.evictionRatio(), usedRatio - hw + config.evictionRatio());
        final double lowerbound = Math.max(target * 0.5, usedRatio - hw);
        final int n = objects.size();
        scratch.ensure(n);
        final long[] leases = objects.leases();
        final long[] softPins = objects.softPins();
        final byte[] states = objects.states();
        final int[] ordinary = scratch.ordinary;
        int ordinaryCount = 0;
        final List<StoreObject> softPinned = new ArrayList<>();
        long evictable = 0;
        for (int i = 0; i < n; i++)
        {
            if (states[i] != ObjectTable.COMPLETE)
            {
                continue; // hard-pinned, or a replica not complete
            }
            evictable++;
            if (leases[i] > nowMs)
            {
                continue;
            }
            if (softPins[i] > nowMs)
            {
                softPinned.add(objects.at(i));
            }
            else
            {
                ordinary[ordinaryCount++] = i;
            }
        }
        final long ideal = (long)Math.ceil(evictable * target);
        final long minimum = (long)Math.ceil(evictable * lowerbound);
        final List<StoreObject> victims = new ArrayList<>();
        takeOldest(objects, ordinary, ordinaryCount, scratch.leases, ideal, victims);
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
    private static void takeOldest(final ObjectTable objects, final int[] candidates, final int count,
        final long[] scratch, final long limit, final List<StoreObject> out)
    {
        if (limit <= 0 || count == 0)
        {
            return;
        }
        final long[] leases = objects.leases();
        if (count <= limit)
        {
            for (int i = 0; i < count; i++)
            {
                out.add(objects.at(candidates[i]));
            }
            return;
        }
        for (int i = 0; i < count; i++)
        {
            scratch[i] = leases[candidates[i]];
        }
        final long threshold = select(scratch, count, (int)limit - 1);
        for (int i = 0; i < count; i++)
        {
            if (leases[candidates[i]] <= threshold)
            {
                out.add(objects.at(candidates[i]));
            }
        }
    }

    /** The k-th smallest value (0-based); reorders {@code a}. Deterministic middle pivots. */
    static long select(final long[] a, final int k)
    {
        return select(a, a.length, k);
    }

    /** The k-th smallest of the first {@code n} values (0-based); reorders them. Deterministic middle pivots. */
    static long select(final long[] a, final int n, final int k)
    {
        int lo = 0;
        int hi = n - 1;
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
