package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * A 4-ary min-heap of {@code long}s in one growable array. Callers pack what they order by into the high bits
 * and what they need back into the low bits (a touch stamp and a slot, or just an offset), so the hot paths that
 * use it — L2 eviction order, free ranges by length — allocate nothing per operation.
 *
 * <p>Four children per node rather than two: the eviction orders' heaps hold hundreds of thousands of entries,
 * and an entry pushed there is usually near the top (a parent offered when its last child goes, whose stamp is
 * just above the child's), so a push sifts up most of the height, a cache miss per level; a 4-ary heap is half as
 * high, and a pop reads its four children side by side. Pops come out in the same order as from any min-heap of the
 * same values.
 */
public final class LongMinHeap
{
    private long[] heap = new long[8];
    private int size;

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

    public void push(final long v)
    {
        if (size == heap.length)
        {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 2;
            if (heap[parent] <= v)
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    /** The smallest value, left in place; the heap must not be empty. */
    public long peek()
    {
        return heap[0];
    }

    /** Removes and returns the smallest value; the heap must not be empty. */
    public long pop()
    {
        final long top = heap[0];
        final long last = heap[--size];
        int i = 0;
        while (true)
        {
            final int first = 4 * i + 1;
            if (first >= size)
            {
                break;
            }
            int child = first;
            long least = heap[first];
            final int end = Math.min(first + 4, size);
            for (int c = first + 1; c < end; c++)
            {
                if (heap[c] < least)
                {
                    least = heap[c];
                    child = c;
                }
            }
            if (least >= last)
            {
                break;
            }
            heap[i] = least;
            i = child;
        }
        if (size > 0)
        {
            heap[i] = last;
        }
        return top;
    }

    /** A copy of the values held, in heap order. */
    public long[] toArray()
    {
        return Arrays.copyOf(heap, size);
    }
}
