package dev.kvtier.model.hicache;

import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * The host tier's LRU order: each host page carries the stamp of its last touch, and a min-heap holds the pages
 * offered while evictable. Entries go stale when a page is touched again, pinned, gains a child or leaves the host;
 * they are dropped as they surface. One eviction pass takes evictable pages in touch order and, like a walk from an
 * LRU list's tail, never goes back to a page older than the last one it took (a parent freed by deleting its child
 * waits for the next pass). It replaces such a list: walking it meant stepping over thousands of internal nodes at
 * the tail on every single-page eviction.
 */
final class HostEvictionOrder extends TouchOrder
{
    HostEvictionOrder(final int slots)
    {
        super(slots);
    }

    /**
     * Evicts up to {@code pages} pages in touch order: {@code evict} is called for each, and must make it
     * non-evictable (delete it). Returns how many were evicted.
     */
    long evict(final long pages, final IntPredicate evictable, final IntConsumer evict)
    {
        long freed = 0;
        long cursor = -1;
        while (freed < pages && hasEntries())
        {
            final long entry = pollEntry();
            final int s = slotOf(entry);
            final long stamp = stampOf(entry);
            if (!isCurrent(entry) || !evictable.test(s))
            {
                continue;
            }
            if (stamp < cursor)
            {
                defer(entry);
                continue;
            }
            cursor = stamp;
            evict.accept(s);
            freed++;
        }
        endPass();
        return freed;
    }
}
