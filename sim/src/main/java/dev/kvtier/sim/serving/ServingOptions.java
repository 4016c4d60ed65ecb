package dev.kvtier.sim.serving;

/**
 * How a trace is replayed through the cluster.
 *
 * @param seed           seeds every random stream (routing, master placement, arrival spreading)
 * @param spreadArrivals spread requests that share a timestamp uniformly over the following bucket
 * @param bucketMs       bucket width for spreading; 0 infers it from the smallest gap between timestamps
 * @param rateScale      replay speed: 2 sends requests twice as fast as recorded
 * @param limit          replay at most this many requests (0 = all)
 */
public record ServingOptions(long seed, boolean spreadArrivals, long bucketMs, double rateScale, int limit)
{
    public ServingOptions
    {
        if (!(rateScale > 0))
        {
            throw new IllegalArgumentException("--rate-scale must be > 0, got " + rateScale);
        }
    }

    public static ServingOptions defaults()
    {
        return new ServingOptions(42, false, 0, 1.0, 0);
    }
}
