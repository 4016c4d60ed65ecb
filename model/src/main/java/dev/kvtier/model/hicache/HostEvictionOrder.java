package dev.kvtier.model.hicache;

import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * The host tier's eviction order: each host page carries the key of its last touch, and a min-heap holds the pages
 * offered while evictable. Entries go stale when a page is touched again, pinned, gains a child or leaves the host;
 * they are dropped as they surface. One eviction pass takes evictable pages in key order and, like a walk from an
 * LRU list's tail, never goes back to a page below the last key it took (a parent freed by deleting its child
 * waits for the next pass when its key is lower, where SGLang's heap of host leaves would pop it next). It replaces
 * such a list: walking it meant stepping over thousands of internal nodes at the tail on every single-page
 * eviction.
 */
final class HostEvictionOrder extends TouchOrder implements HostOrder
{
    HostEvictionOrder(final int slots)
    {
        this(slots, false);
    }

    HostEvictionOrder(final int slots, final boolean byCount)
    {
        super(slots, byCount);
    }

    /** An LFU order whose stamps run out after {@code 2^stampBits - 1} touches (to test their renumbering). */
    HostEvictionOrder(final int slots, final int stampBits)
    {
        super(slots, true, stampBits);
    }

    /**
     * Evicts up to {@code pages} pages in key order: {@code evict} is called for each, and must make it
     * non-evictable (delete it). Returns how many were evicted.
     */
    @Override
    public long evict(final long pages, final IntPredicate evictable, final IntConsumer evict)
    {
        long freed = 0;
        long cursor = -1;
        while (freed < pages && hasEntries())
        {
            final long entry = pollEntry();
            final int s = slotOf(entry);
            final long key = entryKey(entry);
            if (!isCurrent(entry) || !evictable.test(s))
            {
                continue;
            }
            if (key < cursor)
            {
                defer(entry);
                continue;
            }
            cursor = key;
            evict.accept(s);
            freed++;
        }
        endPass();
        return freed;
    }
}
