package dev.kvtier.model.hicache;

import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The host tier's eviction order: each host page carries the key of its last touch, and a min-heap holds the pages
 * offered while evictable. Entries go stale when a page is touched again, pinned, gains a child or leaves the host;
 * they are dropped as they surface. One eviction pass takes evictable pages in key order and, like a walk from an
 * LRU list's tail, never goes back to a page below the last key it took: a parent freed by deleting its child waits
 * for the next pass, unless the caller names parents to chase (LFU), when it is taken at once as SGLang's heap of
 * host leaves would pop it. It replaces such a list: walking it meant stepping over thousands of internal nodes at
 * the tail on every single-page eviction.
 */
final class HostEvictionOrder extends TouchOrder
{
    HostEvictionOrder(final int slots)
    {
        this(slots, false);
    }

    HostEvictionOrder(final int slots, final boolean byCount)
    {
        super(slots, byCount);
    }

    /** {@link #evict(long, IntPredicate, IntConsumer, IntUnaryOperator)} chasing no parent. */
    long evict(final long pages, final IntPredicate evictable, final IntConsumer evict)
    {
        return evict(pages, evictable, evict, s -> -1);
    }

    /**
     * Evicts up to {@code pages} pages in key order: {@code evict} is called for each, and must make it
     * non-evictable (delete it). {@code chase} names the page to consider at once after one went (its parent, or
     * -1): taken if it became evictable with a key below the one just taken, and so on up. Returns how many were
     * evicted.
     */
    long evict(final long pages, final IntPredicate evictable, final IntConsumer evict, final IntUnaryOperator chase)
    {
        long freed = 0;
        long cursor = -1;
        while (freed < pages && hasEntries())
        {
            final long key = pollEntry();
            final int s = polledSlot();
            if (!isCurrent(key, s) || !evictable.test(s))
            {
                continue;
            }
            if (key < cursor)
            {
                defer(key, s);
                continue;
            }
            cursor = key;
            int up = chase.applyAsInt(s);
            evict.accept(s);
            freed++;
            while (up >= 0 && freed < pages && evictable.test(up) && keyOf(up) < cursor)
            {
                final int next = chase.applyAsInt(up);
                evict.accept(up);
                freed++;
                up = next;
            }
        }
        endPass();
        return freed;
    }
}
