package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * Map from a page id to a slot index, both non-negative ints, addressed directly by page id. Page ids are dense by
 * construction (a page catalog numbers distinct pages 0, 1, 2, ...), so an array indexed by id is both smaller than
 * a hash table's worst case and one memory access per lookup, insert or removal — the radix cache and the router
 * do millions of each per simulated hour. Memory is proportional to the largest id seen, not to the entries.
 * Slots are stored plus one so that a fresh (zeroed) array already reads as empty: growing the table is one copy,
 * with no fill pass over memory the map may never use.
 */
public final class PageSlotMap
{
    private static final int ABSENT = -1;

    /** Slot + 1 by page id; 0 is absent. */
    private int[] slots;
    private int size;

    /** @param expectedIds the id range to reserve up front; the map grows past it on demand */
    public PageSlotMap(final int expectedIds)
    {
        slots = new int[Math.max(16, expectedIds)];
    }

    public int size()
    {
        return size;
    }

    /** The slot of {@code key}, or -1. */
    public int get(final int key)
    {
        return key >= 0 && key < slots.length ? slots[key] - 1 : ABSENT;
    }

    public void put(final int key, final int value)
    {
        if (key < 0)
        {
            throw new IllegalArgumentException("page ids are non-negative, got " + key);
        }
        if (value < 0 || value == Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("slots are in [0, 2^31 - 1), got " + value);
        }
        if (key >= slots.length)
        {
            slots = Arrays.copyOf(slots, Math.max(key + 1, slots.length * 2));
        }
        if (slots[key] == 0)
        {
            size++;
        }
        slots[key] = value + 1;
    }

    public void remove(final int key)
    {
        if (key >= 0 && key < slots.length && slots[key] != 0)
        {
            slots[key] = 0;
            size--;
        }
    }
}
