package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * Map from a page id to a slot index, both non-negative ints, addressed directly by page id. Page ids are dense by
 * construction (a page catalog numbers distinct pages 0, 1, 2, ...), so an array indexed by id is both smaller than
 * a hash table's worst case and one memory access per lookup, insert or removal — the radix cache and the router
 * do millions of each per simulated hour. Memory is proportional to the largest id seen, not to the entries.
 */
public final class PageSlotMap
{
    private static final int ABSENT = -1;

    private int[] slots;
    private int size;

    /** @param expectedIds the id range to reserve up front; the map grows past it on demand */
    public PageSlotMap(final int expectedIds)
    {
        slots = new int[Math.max(16, expectedIds)];
        Arrays.fill(slots, ABSENT);
    }

    public int size()
    {
        return size;
    }

    /** The slot of {@code key}, or -1. */
    public int get(final int key)
    {
        return key >= 0 && key < slots.length ? slots[key] : ABSENT;
    }

    public void put(final int key, final int value)
    {
        if (key < 0)
        {
            throw new IllegalArgumentException("page ids are non-negative, got " + key);
        }
        if (value < 0)
        {
            throw new IllegalArgumentException("slots are non-negative, got " + value);
        }
        if (key >= slots.length)
        {
            final int old = slots.length;
            slots = Arrays.copyOf(slots, Math.max(key + 1, old * 2));
            Arrays.fill(slots, old, slots.length, ABSENT);
        }
        if (slots[key] == ABSENT)
        {
            size++;
        }
        slots[key] = value;
    }

    public void remove(final int key)
    {
        if (key >= 0 && key < slots.length && slots[key] != ABSENT)
        {
            slots[key] = ABSENT;
            size--;
        }
    }
}
