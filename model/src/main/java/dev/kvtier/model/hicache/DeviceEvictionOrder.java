package dev.kvtier.model.hicache;

import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The device tier's LRU order as touch stamps, with a min-heap of the pages offered while they are eviction
 * candidates (on the device, unlocked, no child on the device). One eviction pass visits candidates in touch order
 * exactly as a walk from an LRU list's tail would: a page that becomes a candidate during the pass is visited if it
 * is newer than the last page visited and waits for the next pass otherwise, and a candidate the policy keeps stays
 * offered. It replaces such a walk, which under load stepped over every locked page of the running requests (tens
 * of thousands) on each admission.
 */
final class DeviceEvictionOrder extends TouchOrder
{
    DeviceEvictionOrder(final int slots)
    {
        super(slots);
    }

    /**
     * Visits candidates oldest first until {@code pages} were evicted or none is left: {@code tryEvict} is called
     * for each and returns whether the page left the device. Returns how many did. {@code chase} names the page to
     * take at once after one left (or -1): under FIFO a parent entered before its child, so once the child is gone
     * it is the oldest candidate, which SGLang's heap of leaves pops next; under LRU it is newer and lies ahead.
     */
    long evict(final long pages, final IntPredicate candidate, final IntPredicate tryEvict,
        final IntUnaryOperator chase)
    {
        long freed = 0;
        long cursor = 0;
        while (freed < pages && hasEntries())
        {
            final long entry = pollEntry();
            final int s = slotOf(entry);
            final long stamp = stampOf(entry);
            if (!isCurrent(entry) || !candidate.test(s))
            {
                continue;
            }
            if (stamp <= cursor)
            {
                if (stamp < cursor)
                {
                    defer(entry);
                }
                continue;
            }
            cursor = stamp;
            int up = chase.applyAsInt(s);
            if (tryEvict.test(s))
            {
                freed++;
                while (up >= 0 && freed < pages && candidate.test(up))
                {
                    final int next = chase.applyAsInt(up);
                    if (!tryEvict.test(up))
                    {
                        break;
                    }
                    freed++;
                    up = next;
                }
            }
            else
            {
                defer(entry);
            }
        }
        endPass();
        return freed;
    }
}
