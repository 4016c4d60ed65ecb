package dev.kvtier.model.engine;

import java.util.Arrays;

/**
 * The requests of a decode batch in join order, with removal in O(1): a request leaves its slot empty
 * ({@link Job#batchSlot} says which), and the slots are closed up, order kept, once the empty ones outnumber the
 * held ones. Under overload hundreds of requests decode together and one or two finish at a time; closing the
 * list up at every finish walked the whole batch.
 */
final class RunningBatch
{
    private static final int MIN_COMPACT = 32;

    private Job[] slots = new Job[64];
    private int end;
    private int size;

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    /** Slots in use, held or empty: {@link #at} of {@code [0, slots())} visits the requests in join order. */
    int slots()
    {
        return end;
    }

    /** The request in slot {@code i}, or null if that slot was emptied. */
    Job at(final int i)
    {
        return slots[i];
    }

    void add(final Job job)
    {
        if (end == slots.length)
        {
            if (end - size >= slots.length / 4)
            {
                compact();
            }
            else
            {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
        }
        job.batchSlot = end;
        slots[end++] = job;
        size++;
    }

    /** Empties slot {@code slot}; other requests may move to lower slots (their {@link Job#batchSlot} follows). */
    void remove(final int slot)
    {
        slots[slot].batchSlot = -1;
        slots[slot] = null;
        size--;
        if (size == 0)
        {
            Arrays.fill(slots, 0, end, null);
            end = 0;
        }
        else if (end - size > size && end - size >= MIN_COMPACT)
        {
            compact();
        }
    }

    private void compact()
    {
        int kept = 0;
        for (int i = 0; i < end; i++)
        {
            final Job job = slots[i];
            if (job != null)
            {
                job.batchSlot = kept;
                slots[kept++] = job;
            }
        }
        Arrays.fill(slots, kept, end, null);
        end = kept;
    }
}
