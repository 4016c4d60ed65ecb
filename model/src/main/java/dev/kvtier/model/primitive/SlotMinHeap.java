package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * A binary min-heap of (key, slot) pairs in two growable arrays, ordered by key and then by slot. It is for
 * orders whose key needs all 64 bits, so the slot cannot be packed beside it into one {@code long}
 * ({@link LongMinHeap}): an LFU order's (count, recency) key is one. Nothing is allocated per operation.
 */
public final class SlotMinHeap
{
    private long[] keys = new long[8];
    private int[] slots = new int[8];
    private int size;
    private int lastSlot;

    public int size()
    {
        return size;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    public void clear()
    {
        size = 0;
    }

    public void push(final long key, final int slot)
    {
        if (size == keys.length)
        {
            keys = Arrays.copyOf(keys, size * 2);
            slots = Arrays.copyOf(slots, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!less(key, slot, keys[parent], slots[parent]))
            {
                break;
            }
            keys[i] = keys[parent];
            slots[i] = slots[parent];
            i = parent;
        }
        keys[i] = key;
        slots[i] = slot;
    }

    /** Removes the smallest pair and returns its key; {@link #lastSlot} gives its slot. Must not be empty. */
    public long pop()
    {
        final long topKey = keys[0];
        lastSlot = slots[0];
        final long key = keys[--size];
        final int slot = slots[size];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && less(keys[child + 1], slots[child + 1], keys[child], slots[child]))
            {
                child++;
            }
            if (!less(keys[child], slots[child], key, slot))
            {
                break;
            }
            keys[i] = keys[child];
            slots[i] = slots[child];
            i = child;
        }
        if (size > 0)
        {
            keys[i] = key;
            slots[i] = slot;
        }
        return topKey;
    }

    /** The slot of the pair the last {@link #pop} removed. */
    public int lastSlot()
    {
        return lastSlot;
    }

    private static boolean less(final long k1, final int s1, final long k2, final int s2)
    {
        return k1 < k2 || k1 == k2 && s1 < s2;
    }
}
