package dev.kvtier.sim.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * Shard {@code index} of {@code count}: the part of a sweep one task of a batch engine runs (a Slurm array task, a
 * Kubernetes Indexed Job pod). Variant {@code i} of the sweep belongs to shard {@code i mod count}, so shards get
 * variants from the whole grid and finish at about the same time; the shards' partial reports together hold every
 * variant exactly once.
 *
 * @param index 0-based, below {@code count} (the engines' own task index: {@code SLURM_ARRAY_TASK_ID} with
 *              {@code --array=0-(N-1)}, {@code JOB_COMPLETION_INDEX})
 * @param count shards in all, at least 1
 */
public record SweepShard(int index, int count)
{
    public SweepShard
    {
        if (count < 1 || index < 0 || index >= count)
        {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": want I/N with 0 <= I < N");
        }
    }

    /** Parses {@code I/N}; the message of the exception says what is wrong and what is wanted. */
    public static SweepShard parse(final String text)
    {
        final int slash = text.indexOf('/');
        try
        {
            if (slash > 0)
            {
                return new SweepShard(Integer.parseInt(text.substring(0, slash).trim()),
                    Integer.parseInt(text.substring(slash + 1).trim()));
            }
        }
        catch (final IllegalArgumentException e)
        {
            // not numbers, or out of range (NumberFormatException is one too): the message below
        }
        throw new IllegalArgumentException("'" + text + "': want I/N with 0 <= I < N, e.g. 0/4");
    }

    /** Whether this shard runs the sweep's variant at position {@code variant}. */
    public boolean holds(final int variant)
    {
        return variant % count == index;
    }

    /** The positions in a sweep of {@code variants} variants that this shard runs, in order. */
    public List<Integer> positions(final int variants)
    {
        final List<Integer> out = new ArrayList<>();
        for (int i = index; i < variants; i += count)
        {
            out.add(i);
        }
        return out;
    }

    @Override
    public String toString()
    {
        return index + "/" + count;
    }
}
