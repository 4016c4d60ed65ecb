package dev.kvtier.model.hicache;

import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The device tier's eviction order as touch keys, with a min-heap of the pages offered while they are eviction
 * candidates (on the device, unlocked, no child on the device). One eviction pass visits candidates in key order
 * as SGLang's heap of device leaves pops them: a parent that becomes a candidate during the pass is taken at once
 * if its key is below the key just taken from the heap (it is then the heap's smallest), visited in its turn if
 * above, and a candidate the policy keeps stays offered. It replaces a walk from an LRU list's tail, which under
 * load stepped over every locked page of the running requests (tens of thousands) on each admission.
 */
final class DeviceEvictionOrder extends TouchOrder implements DeviceOrder
{
    DeviceEvictionOrder(final int slots, final boolean byCount)
    {
        super(slots, byCount);
    }

    @Override
    public void left(final int s)
    {
        // the slot's entries go stale: dropped as they surface
    }

    /**
     * Visits candidates in key order until {@code pages} were evicted or none is left: {@code tryEvict} is called
     * for each and returns whether the page left the device. Returns how many did. {@code parent} names a page's
     * parent (or -1): once a page left, its parent, if it became a candidate with a key below the one just taken
     * (under FIFO it entered first; under LFU it may have fewer hits), is what SGLang's heap pops next, so it is
     * taken at once, and so on up the chain. Under LRU a parent is touched after its children and lies ahead.
     */
    @Override
    public long evict(final long pages, final IntPredicate candidate, final IntPredicate tryEvict,
        final IntUnaryOperator parent)
    {
        long freed = 0;
        long cursor = 0;
        while (freed < pages && hasEntries())
        {
            final long entry = pollEntry();
            final int s = slotOf(entry);
            final long key = entryKey(entry);
            if (!isCurrent(entry) || !candidate.test(s))
            {
                continue;
            }
            if (key <= cursor)
            {
                if (key < cursor)
                {
                    defer(entry);
                }
                continue;
            }
            cursor = key;
            int up = parent.applyAsInt(s);
            if (tryEvict.test(s))
            {
                freed++;
                while (up >= 0 && freed < pages && candidate.test(up) && keyOf(up) < cursor)
                {
                    final int next = parent.applyAsInt(up);
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
