package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * Open-addressing map from a page id to a slot index, both non-negative ints, with backward-shift deletion so no
 * tombstones pile up in a cache that inserts and evicts millions of times. Keys and values sit side by side in one
 * array, so a lookup in a map far larger than the CPU cache costs one miss rather than two. Boxed maps would
 * dominate a serving run's allocation; this one allocates only when it grows.
 */
public final class PageSlotMap
{
    private static final int EMPTY = -1;

    /** Entry i is {@code table[2i]} (key) and {@code table[2i + 1]} (value). */
    private int[] table;
    private int mask;
    private int size;

    public PageSlotMap(final int expected)
    {
        int cap = 16;
        while (cap < expected * 2)
        {
            cap <<= 1;
        }
        allocate(cap);
    }

    private void allocate(final int cap)
    {
        table = new int[cap * 2];
        Arrays.fill(table, EMPTY);
        mask = cap - 1;
    }

    public int size()
    {
        return size;
    }

    /** The slot of {@code key}, or -1. */
    public int get(final int key)
    {
        final int[] t = table;
        int i = mix(key) & mask;
        while (true)
        {
            final int k = t[i << 1];
            if (k == key)
            {
                return t[(i << 1) + 1];
            }
            if (k == EMPTY)
            {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    public void put(final int key, final int value)
    {
        if (key < 0)
        {
            throw new IllegalArgumentException("page ids are non-negative, got " + key);
        }
        if ((size + 1) * 2 > mask + 1)
        {
            rehash();
        }
        final int[] t = table;
        int i = mix(key) & mask;
        while (t[i << 1] != EMPTY && t[i << 1] != key)
        {
            i = (i + 1) & mask;
        }
        if (t[i << 1] == EMPTY)
        {
            size++;
        }
        t[i << 1] = key;
        t[(i << 1) + 1] = value;
    }

    public void remove(final int key)
    {
        final int[] t = table;
        int i = mix(key) & mask;
        while (t[i << 1] != key)
        {
            if (t[i << 1] == EMPTY)
            {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        int gap = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            final int k = t[j << 1];
            if (k == EMPTY)
            {
                break;
            }
            final int home = mix(k) & mask;
            final boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable)
            {
                t[gap << 1] = k;
                t[(gap << 1) + 1] = t[(j << 1) + 1];
                gap = j;
            }
        }
        t[gap << 1] = EMPTY;
    }

    private void rehash()
    {
        final int[] old = table;
        allocate((mask + 1) * 2);
        size = 0;
        for (int i = 0; i < old.length; i += 2)
        {
            if (old[i] != EMPTY)
            {
                put(old[i], old[i + 1]);
            }
        }
    }

    private static int mix(final int key)
    {
        final int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
