package dev.kvtier.model.engine;

import java.util.Arrays;

/**
 * A decode batch's requests by the batch step at which each has made all its output: a binary min-heap of the
 * steps as {@code long}s with the requests beside them. Under overload hundreds of requests decode together and
 * one joins or leaves at nearly every decode; a {@code PriorityQueue} with a comparator reached through each
 * request for its step was a tenth of that decode work. Requests finishing at one step come out in no particular
 * order (the batch puts them in join order).
 */
final class DoneStepHeap
{
    private long[] steps = new long[64];
    private Job[] jobs = new Job[64];
    private int size;

    boolean isEmpty()
    {
        return size == 0;
    }

    /** The smallest step held; the heap must not be empty. */
    long minStep()
    {
        return steps[0];
    }

    void add(final Job job, final long step)
    {
        if (size == steps.length)
        {
            steps = Arrays.copyOf(steps, size * 2);
            jobs = Arrays.copyOf(jobs, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (steps[parent] <= step)
            {
                break;
            }
            steps[i] = steps[parent];
            jobs[i] = jobs[parent];
            i = parent;
        }
        steps[i] = step;
        jobs[i] = job;
    }

    /** Removes and returns the request with the smallest step; the heap must not be empty. */
    Job poll()
    {
        final Job top = jobs[0];
        final int n = --size;
        final long lastStep = steps[n];
        final Job lastJob = jobs[n];
        jobs[n] = null;
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n)
            {
                break;
            }
            if (child + 1 < n && steps[child + 1] < steps[child])
            {
                child++;
            }
            if (steps[child] >= lastStep)
            {
                break;
            }
            steps[i] = steps[child];
            jobs[i] = jobs[child];
            i = child;
        }
        if (n > 0)
        {
            steps[i] = lastStep;
            jobs[i] = lastJob;
        }
        return top;
    }
}
