package dev.kvtier.model.store;

import java.util.Locale;

/** How the master picks segments for a new object's replicas ({@code --allocation_strategy}). */
public enum AllocationStrategy
{
    /** Preferred first, then a walk over all segments from a random start (upstream default). */
    RANDOM,
    /** Preferred first, then a random window of candidates ranked by free ratio, then the random walk. */
    FREE_RATIO_FIRST,
    /** Segments on the writer's host first (single replica), then the random walk. */
    LOCAL_FIRST;

    public static AllocationStrategy parse(final String s)
    {
        try
        {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("unknown allocation strategy '" + s
                + "'; choose random, free_ratio_first or local_first");
        }
    }
}
