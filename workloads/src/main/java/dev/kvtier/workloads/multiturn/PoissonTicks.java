package dev.kvtier.workloads.multiturn;

import java.util.SplittableRandom;

/**
 * When {@code bench_multiturn}'s sender next tries to send: exponential gaps at the request rate, so attempts form
 * a Poisson process, drawn from a seeded stream so a run's schedule is its seed's. An attempt that finds no turn
 * ready is spent, as in the reference.
 */
public final class PoissonTicks
{
    private static final long STREAM = 0x7469636b73L;

    private final double meanGapNs;
    private final SplittableRandom random;

    /**
     * @param ratePerSecond mean attempts per second; {@code Double.POSITIVE_INFINITY} sends without gaps
     * @param seed          the run's seed
     */
    public PoissonTicks(final double ratePerSecond, final long seed)
    {
        if (!(ratePerSecond > 0))
        {
            throw new IllegalArgumentException("--request-rate must be > 0 requests/s, got " + ratePerSecond);
        }
        this.meanGapNs = 1e9 / ratePerSecond;
        this.random = new SplittableRandom(seed ^ STREAM);
    }

    /** The gap to the next attempt in nanoseconds. */
    public long nextGapNs()
    {
        return Math.round(-Math.log(1.0 - random.nextDouble()) * meanGapNs);
    }
}
