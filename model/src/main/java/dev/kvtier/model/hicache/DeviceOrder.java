package dev.kvtier.model.hicache;

import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * How a {@link HiRadixCache} finds its device tier's next victims: a touch-keyed min-queue that any eviction policy
 * and any locking can use ({@link DeviceEvictionOrder}), or, for an LRU cache evicted only while nothing is locked,
 * a recency list of the device pages ({@link DeviceRecencyOrder}). Both visit the same candidates in the same order;
 * they differ in what a touch and a victim cost.
 */
interface DeviceOrder
{
    /** Slot {@code s} (on the device, hit count {@code count}) was just touched. */
    void touched(int s, int count);

    /** Slot {@code s} may have become an eviction candidate (on the device, unlocked, no child on the device). */
    void offer(int s);

    /** Slot {@code s} left the device. */
    void left(int s);

    /** Whether the order holds so many stale entries for {@code treePages} device pages that it should rebuild. */
    boolean overfull(int treePages);

    /** Drops every entry and re-offers the slots in {@code [0, slots)} that are candidates. */
    void rebuild(int slots, IntPredicate candidate);

    /** Room for {@code slots} page slots. */
    void ensure(int slots);

    /**
     * One eviction pass: visits candidates from the least recent until {@code pages} left the device or none is
     * left; {@code tryEvict} says whether a visited page left. Returns how many did.
     */
    long evict(long pages, IntPredicate candidate, IntPredicate tryEvict, IntUnaryOperator parent);
}
