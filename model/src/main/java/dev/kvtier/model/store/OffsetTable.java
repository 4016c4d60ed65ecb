package dev.kvtier.model.store;

import dev.kvtier.model.primitive.LinearProbing;

import java.util.Arrays;

/**
 * A table from a byte offset to a long (a range's length, or its start), as open addressing over primitives with
 * backward-shift deletion. A full store holds hundreds of thousands of ranges per segment; boxed maps spent two
 * {@code Long}s and an entry on each and dominated the simulator's heap and time.
 */
final class OffsetTable
{
    private static final long EMPTY = -1;
    private long[] keys;
    private long[] values;
    private int mask;
    private int size;

    OffsetTable()
    {
        allocate(1024);
    }

    private void allocate(final int cap)
    {
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    private static int mix(final long key)
    {
        final long h = key * 0x9E3779B97F4A7C15L;
        return (int)(h ^ (h >>> 32));
    }

    void put(final long offset, final long length)
    {
        if ((size + 1) * 2 > keys.length)
        {
            final long[] oldKeys = keys;
            final long[] oldValues = values;
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
        int i = mix(offset) & mask;
        while (keys[i] != EMPTY && keys[i] != offset)
        {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY)
        {
            size++;
        }
        keys[i] = offset;
        values[i] = length;
    }

    /** The value at {@code offset}, or -1. */
    long get(final long offset)
    {
        int i = mix(offset) & mask;
        while (true)
        {
            final long k = keys[i];
            if (k == offset)
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

    /** Removes {@code offset}; returns its value, or -1 if absent. */
    long remove(final long offset)
    {
        int i = mix(offset) & mask;
        while (keys[i] != offset)
        {
            if (keys[i] == EMPTY)
            {
                return -1;
            }
            i = (i + 1) & mask;
        }
        final long length = values[i];
        size--;
        int gap = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            final long k = keys[j];
            if (k == EMPTY)
            {
                break;
            }
            final int home = mix(k) & mask;
            if (LinearProbing.movesIntoGap(home, gap, j))
            {
                keys[gap] = k;
                values[gap] = values[j];
                gap = j;
            }
        }
        keys[gap] = EMPTY;
        return length;
    }

    int size()
    {
        return size;
    }
}
