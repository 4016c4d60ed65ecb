package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * A min-priority queue of {@code long}s for keys that mostly arrive in ascending order: a value no smaller than the
 * last one appended goes to the end of a sorted run (a store), anything else into a {@link LongMinHeap}, and a pop
 * takes the smaller of the run's head and the heap's top. It pops exactly what a single heap holding the same values
 * would, in the same order, but a touch-stamped eviction order, whose entries are mostly pushed right after their
 * page was touched (so with the newest stamp), pays a heap's sift-down only for the few that arrive out of order.
 */
public final class SortedRunMinQueue
{
    private long[] run = new long[64];
    private int head;
    private int tail;
    private final LongMinHeap heap = new LongMinHeap();

    public int size()
    {
        return tail - head + heap.size();
    }

    public boolean isEmpty()
    {
        return head == tail && heap.isEmpty();
    }

    public void clear()
    {
        head = 0;
        tail = 0;
        heap.clear();
    }

    public void push(final long v)
    {
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
        else if (v < run[tail - 1])
        {
            heap.push(v);
            return;
        }
        if (tail == run.length)
        {
            makeRoom();
        }
        run[tail++] = v;
    }

    /** Removes and returns the smallest value; the queue must not be empty. */
    public long pop()
    {
        if (head == tail)
        {
            return heap.pop();
        }
        if (!heap.isEmpty() && heap.peek() < run[head])
        {
            return heap.pop();
        }
        return run[head++];
    }

    /** Room for one more at the run's end: the live part moved to the front when it fills at most half, else grown. */
    private void makeRoom()
    {
        final int live = tail - head;
        if (live <= run.length / 2)
        {
            System.arraycopy(run, head, run, 0, live);
        }
        else
        {
            final long[] grown = new long[run.length * 2];
            System.arraycopy(run, head, grown, 0, live);
            run = grown;
        }
        head = 0;
        tail = live;
    }

    /** A copy of the values held, in no particular order. */
    public long[] toArray()
    {
        final long[] heaped = heap.toArray();
        final long[] all = Arrays.copyOf(heaped, heaped.length + tail - head);
        System.arraycopy(run, head, all, heaped.length, tail - head);
        return all;
    }
}
