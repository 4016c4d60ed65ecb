package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * The first touches a {@link HiRadixCache} call holds back while it sets a chain's pages, because the chain touch
 * that ends the call renews them anyway: each a slot, a kind (0 or 1: which order's touch it is) and the hit count
 * the touch had. Usually dropped unmade; made, in their order, only if something must be evicted before that chain
 * touch. A buffer and nothing else: what a kind means is the cache's.
 */
final class HeldTouches
{
    private int[] entries = new int[64];
    private int count;

    int size()
    {
        return count;
    }

    void add(final int slot, final int kind, final int hitCount)
    {
        if (2 * count + 2 > entries.length)
        {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        entries[2 * count] = slot << 1 | kind;
        entries[2 * count + 1] = hitCount;
        count++;
    }

    int slot(final int i)
    {
        return entries[2 * i] >>> 1;
    }

    /** The kind given at {@link #add}: 0 or 1. */
    int kind(final int i)
    {
        return entries[2 * i] & 1;
    }

    int hitCount(final int i)
    {
        return entries[2 * i + 1];
    }

    void clear()
    {
        count = 0;
    }
}
