package dev.kvtier.model.hicache;

import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * How a {@link HiRadixCache} finds a host-tier order's next victims (host-only leaves; under boundary_l1_l2 also
 * duplicates): a touch-keyed min-queue ({@link HostEvictionOrder}) or, for an LRU cache, a list kept sorted by
 * touch ({@link HostRecencyOrder}). Both take the same pages in the same order.
 */
interface HostOrder
{
    /** Slot {@code s} (hit count {@code count}) was just touched. */
    void touched(int s, int count);

    /** Slot {@code s} is evictable now, at the key of its last touch. */
    void offer(int s);

    /** Whether the order holds so many stale entries for {@code treePages} host pages that it should rebuild. */
    boolean overfull(int treePages);

    /** Drops every entry and re-offers the slots in {@code [0, slots)} that are evictable. */
    void rebuild(int slots, IntPredicate evictable);

    /** Room for {@code slots} page slots. */
    void ensure(int slots);

    /**
     * One eviction pass: takes evictable pages in key order, never going back below the last key taken, until
     * {@code pages} were evicted or none is left; {@code evict} must make its page non-evictable. Returns how many.
     */
    long evict(long pages, IntPredicate evictable, IntConsumer evict);
}
