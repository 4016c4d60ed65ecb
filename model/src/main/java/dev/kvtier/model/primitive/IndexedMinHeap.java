package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * A binary min-heap of block ids ordered by a {@code long} key, with the position of every id indexed so a key
 * can change in O(log n). Policies that rank blocks by a computed priority (LFU, Belady) pack their whole ordering,
 * ties included, into that one key.
 */
public final class IndexedMinHeap
{
    private final int[] heap;
    private final long[] keys;
    private final int[] position;
    private int size;

    public IndexedMinHeap(final int idSpace, final int capacity)
    {
        this.heap = new int[capacity + 1];
        this.keys = new long[idSpace];
        this.position = new int[idSpace];
        Arrays.fill(position, -1);
    }

    public int size()
    {
        return size;
    }

    public boolean contains(final int id)
    {
        return position[id] >= 0;
    }

    public void insert(final int id, final long key)
    {
        keys[id] = key;
        heap[size] = id;
        position[id] = size;
        siftUp(size++);
    }

    public void update(final int id, final long key)
    {
        final long old = keys[id];
        keys[id] = key;
        if (key < old)
        {
            siftUp(position[id]);
        }
        else
        {
            siftDown(position[id]);
        }
    }

    public int peek()
    {
        return heap[0];
    }

    public int poll()
    {
        final int top = heap[0];
        position[top] = -1;
        size--;
        if (size > 0)
        {
            heap[0] = heap[size];
            position[heap[0]] = 0;
            siftDown(0);
        }
        return top;
    }

    private void siftUp(final int from)
    {
        int i = from;
        final int id = heap[i];
        final long key = keys[id];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            final int p = heap[parent];
            if (keys[p] <= key)
            {
                break;
            }
            heap[i] = p;
            position[p] = i;
            i = parent;
        }
        heap[i] = id;
        position[id] = i;
    }

    private void siftDown(final int from)
    {
        int i = from;
        final int id = heap[i];
        final long key = keys[id];
        final int half = size >>> 1;
        while (i < half)
        {
            int child = 2 * i + 1;
            final int right = child + 1;
            if (right < size && keys[heap[right]] < keys[heap[child]])
            {
                child = right;
            }
            final int c = heap[child];
            if (key <= keys[c])
            {
                break;
            }
            heap[i] = c;
            position[c] = i;
            i = child;
        }
        heap[i] = id;
        position[id] = i;
    }
}
