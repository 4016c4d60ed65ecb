package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * A binary min-heap of {@code long}s in one growable array. Callers pack what they order by into the high bits
 * and what they need back into the low bits (a touch stamp and a slot, or just an offset), so the hot paths that
 * use it — L2 eviction order, free ranges by length — allocate nothing per operation.
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
            final int parent = (i - 1) >>> 1;
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
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child])
            {
                child++;
            }
            if (heap[child] >= last)
            {
                break;
            }
            heap[i] = heap[child];
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
