package dev.kvtier.sim.runtime;

import dev.kvtier.model.primitive.LinearProbing;

import java.util.Arrays;

/**
 * One node's pending timers: timer id to the event slot that will fire it, in an open-addressing table of
 * primitives. Every schedule, cancel and firing looks a timer up here, millions of times in a serving run, so it
 * must not box ids or allocate a key per call as a map of records would.
 */
final class TimerSlots
{
    private static final int EMPTY = -1;

    private long[] ids = new long[16];
    private int[] slots = new int[16];
    private int mask = 15;
    private int size;

    TimerSlots()
    {
        Arrays.fill(slots, EMPTY);
    }

    private int home(final long id)
    {
        long h = id * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int)h & mask;
    }

    /** Records that {@code id} fires from event {@code slot}; the id must not be pending. */
    void put(final long id, final int slot)
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

    /** Forgets {@code id} and returns its event slot, or -1 if it was not pending. */
    int remove(final long id)
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

    void clear()
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
