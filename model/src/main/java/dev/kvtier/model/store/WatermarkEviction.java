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
 * allowed, up to the same target. Victims are named by key, in the order they are to be dropped (rows move as
 * others are removed); {@code rows[i]} is where victim {@code i} was when planned, which stays true unless a removal
 * moved the table's last row into a hole, so most victims need no lookup by key.
 */
record WatermarkEviction(List<StoreKey> victims, int[] rows)
{

    /** Arrays reused from one pass to the next: a pass may visit hundreds of thousands of objects. */
    static final class Scratch
    {
        int[] ordinary = new int[0];
        /** The lease of each ordinary candidate, read once by the scan that finds them. */
        long[] leases = new long[0];
        /** A copy of {@link #leases} for the selection to reorder. */
        long[] selection = new long[0];
        int[] victimRows = new int[0];
        /** Rows of the soft-pinned candidates, gathered only where pass 2 may take them. */
        int[] softPinned = new int[0];

        void ensure(final int n)
        {
            if (ordinary.length < n)
            {
                ordinary = new int[n];
                softPinned = new int[n];
                leases = new long[n];
                selection = new long[n];
                victimRows = new int[n];
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
        final long[] hot = objects.hot();
        final int[] ordinary = scratch.ordinary;
        final long[] leases = scratch.leases;
        int ordinaryCount = 0;
        final boolean gatherSoftPinned = config.allowEvictSoftPinnedObjects();
        final int[] softPinnedRows = scratch.softPinned;
        int softPinnedCount = 0;
        long evictable = 0;
        for (int i = 0, b = 0; i < n; i++, b += ObjectTable.STRIDE)
        {
            if ((hot[b + ObjectTable.STATE] & (ObjectTable.COMPLETE | ObjectTable.HARD_PIN)) != ObjectTable.COMPLETE)
            {
                continue; // hard-pinned, or a replica not complete
            }
            evictable++;
            final long lease = hot[b + ObjectTable.LEASE];
            if (lease > nowMs)
            {
                continue;
            }
            if (hot[b + ObjectTable.SOFT_PIN] > nowMs)
            {
                if (gatherSoftPinned)
                {
                    softPinnedRows[softPinnedCount++] = i;
                }
            }
            else
            {
                leases[ordinaryCount] = lease;
                ordinary[ordinaryCount++] = i;
            }
        }
        final long ideal = (long)Math.ceil(evictable * target);
        final long minimum = (long)Math.ceil(evictable * lowerbound);
        // pass 1 takes up to the target, ties included, of the ordinary candidates: size the list for that at once
        final List<StoreKey> victims = new ArrayList<>((int)Math.min(ordinaryCount, Math.max(ideal, 0)));
        final int[] rows = scratch.victimRows;
        takeOldest(objects, ordinary, ordinaryCount, leases, scratch.selection, ideal, victims, rows);
        if (victims.size() < minimum && gatherSoftPinned)
        {
            final List<Integer> softPinned = new ArrayList<>(softPinnedCount);
            for (int i = 0; i < softPinnedCount; i++)
            {
                softPinned.add(softPinnedRows[i]);
            }
            softPinned.sort(Comparator.comparingLong((Integer row) -> objects.leaseMs(row))
                .thenComparing((Integer row) -> objects.key(row), StoreKey::compareText));
            for (int i = 0; i < softPinned.size() && victims.size() < ideal; i++)
            {
                rows[victims.size()] = softPinned.get(i);
                victims.add(objects.key(softPinned.get(i)));
            }
        }
        return new WatermarkEviction(victims, rows);
    }

    /**
     * Pass 1: the {@code limit} oldest leases and every object tied with the last of them. Ties are all taken, so
     * the set is "lease at or before the limit-th smallest lease", found by selection in O(n) rather than a sort.
     */
    private static void takeOldest(final ObjectTable objects, final int[] candidates, final int count,
        final long[] leases, final long[] selection, final long limit, final List<StoreKey> out, final int[] rows)
    {
        if (limit <= 0 || count == 0)
        {
            return;
        }
        if (count <= limit)
        {
            for (int i = 0; i < count; i++)
            {
                rows[out.size()] = candidates[i];
                out.add(objects.key(candidates[i]));
            }
            return;
        }
        System.arraycopy(leases, 0, selection, 0, count);
        final long threshold = select(selection, count, (int)limit - 1);
        for (int i = 0; i < count; i++)
        {
            if (leases[i] <= threshold)
            {
                rows[out.size()] = candidates[i];
                out.add(objects.key(candidates[i]));
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
}
