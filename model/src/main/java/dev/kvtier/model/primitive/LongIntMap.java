package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * A map from {@code long} ids to non-negative {@code int}s in an open-addressing table of primitives, for lookups
 * made millions of times a run that must not box an id or allocate a key per call: the simulator's pending timers
 * (timer id to the event slot that fires it), the master's mounted segments (segment id to its place in mount
 * order).
 */
public final class LongIntMap
{
    private static final int EMPTY = -1;

    private long[] ids = new long[16];
    private int[] slots = new int[16];
    private int mask = 15;
    private int size;

    public LongIntMap()
    {
        Arrays.fill(slots, EMPTY);
    }

    private int home(final long id)
    {
        long h = id * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int)h & mask;
    }

    /** Maps {@code id} to {@code slot} (>= 0); the id must not be mapped already. */
    public void put(final long id, final int slot)
    {
        if ((size + 1) * 2 > slots.length)
        {
            grow();
        }
        int i = home(id);
        while (slots[i] != EMPTY)
        {
            i = (i + 1) & mask;
        }
        ids[i] = id;
        slots[i] = slot;
        size++;
    }

    /** What {@code id} maps to, or -1 if nothing. */
    public int get(final long id)
    {
        int i = home(id);
        while (slots[i] != EMPTY && ids[i] != id)
        {
            i = (i + 1) & mask;
        }
        return slots[i];
    }

    /** Forgets {@code id} and returns what it mapped to, or -1 if nothing. */
    public int remove(final long id)
    {
        int i = home(id);
        while (slots[i] != EMPTY && ids[i] != id)
        {
            i = (i + 1) & mask;
        }
        final int slot = slots[i];
        if (slot == EMPTY)
        {
            return EMPTY;
        }
        int gap = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            if (slots[j] == EMPTY)
            {
                break;
            }
            if (LinearProbing.movesIntoGap(home(ids[j]), gap, j))
            {
                ids[gap] = ids[j];
                slots[gap] = slots[j];
                gap = j;
            }
        }
        slots[gap] = EMPTY;
        size--;
        return slot;
    }

    public void clear()
    {
        Arrays.fill(slots, EMPTY);
        size = 0;
    }

    private void grow()
    {
        final long[] oldIds = ids;
        final int[] oldSlots = slots;
        ids = new long[oldIds.length * 2];
        slots = new int[oldSlots.length * 2];
        Arrays.fill(slots, EMPTY);
        mask = slots.length - 1;
        size = 0;
        for (int k = 0; k < oldSlots.length; k++)
        {
            if (oldSlots[k] != EMPTY)
            {
                put(oldIds[k], oldSlots[k]);
            }
        }
    }
}
