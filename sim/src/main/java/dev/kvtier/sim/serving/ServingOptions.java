package dev.kvtier.sim.serving;

import java.util.Locale;

/**
 * How a trace is replayed through the cluster. Every value is checked here, where both the command line and a
 * recorded trace's header turn into options, so a bad one is one line naming its option rather than a clock that
 * overflows mid-run.
 *
 * @param seed           seeds every random stream (routing, master placement, arrival spreading)
 * @param spreadArrivals spread requests that share a timestamp uniformly over the following bucket
 * @param bucketMs       bucket width for spreading; 0 infers it from the smallest gap between timestamps
 * @param rateScale      replay speed: 2 sends requests twice as fast as recorded
 * @param limit          replay at most this many requests (0 = all)
 */
public record ServingOptions(long seed, boolean spreadArrivals, long bucketMs, double rateScale, int limit)
{
    /**
     * The widest rate scale either way: a million times faster or slower. Arrival times are nanoseconds in a long
     * (292 years); an hour-long trace slowed a million times spans 114 years, and a millisecond timestamp sped up a
     * million times is still a whole nanosecond.
     */
    public static final double MAX_RATE_SCALE = 1e6;

    /** The widest spreading bucket: a day, far beyond any trace's timestamp granularity. */
    public static final long MAX_BUCKET_MS = 86_400_000L;

    public ServingOptions
    {
        if (!(rateScale >= 1 / MAX_RATE_SCALE && rateScale <= MAX_RATE_SCALE))
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                "--rate-scale: must be a number in [0.000001, 1000000] (2 replays twice as fast), got %s", rateScale));
        }
        if (bucketMs < 0 || bucketMs > MAX_BUCKET_MS)
        {
            throw new IllegalArgumentException("--bucket-ms: must be in [0, " + MAX_BUCKET_MS + "] ms (0 infers it "
                + "from the trace), got " + bucketMs);
        }
        requireLimit(limit);
    }

    /** {@code --limit}'s rule, for every mode that reads it: the first N requests of the trace, 0 for all. */
    public static void requireLimit(final long limit)
    {
        if (limit < 0)
        {
            throw new IllegalArgumentException("--limit: must be >= 0 requests (0 = all), got " + limit);
        }
    }

    public static ServingOptions defaults()
    {
        return new ServingOptions(42, false, 0, 1.0, 0);
    }
}
