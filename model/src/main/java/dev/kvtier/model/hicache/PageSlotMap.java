package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * Open-addressing map from a page id to a slot index, both non-negative ints, with backward-shift deletion so no
 * tombstones pile up in a cache that inserts and evicts millions of times. Boxed maps would dominate a serving
 * run's allocation; this one allocates only when it grows.
 */
public final class PageSlotMap
{
    private static final int EMPTY = -1;

    private int[] keys;
    private int[] values;
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
        keys = new int[cap];
        values = new int[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    public int size()
    {
        return size;
    }

    /** The slot of {@code key}, or -1. */
    public int get(final int key)
    {
        int i = mix(key) & mask;
        while (true)
        {
            final int k = keys[i];
            if (k == key)
            {
                return values[i];
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
        if ((size + 1) * 2 > keys.length)
        {
            rehash();
        }
        int i = mix(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key)
        {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY)
        {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    public void remove(final int key)
    {
        int i = mix(key) & mask;
        while (keys[i] != key)
        {
            if (keys[i] == EMPTY)
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
            final int k = keys[j];
            if (k == EMPTY)
            {
                break;
            }
            final int home = mix(k) & mask;
            final boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable)
            {
                keys[gap] = k;
                values[gap] = values[j];
                gap = j;
            }
        }
        keys[gap] = EMPTY;
    }

    private void rehash()
    {
        final int[] oldKeys = keys;
        final int[] oldValues = values;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldKeys[i] != EMPTY)
            {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(final int key)
    {
        final int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
