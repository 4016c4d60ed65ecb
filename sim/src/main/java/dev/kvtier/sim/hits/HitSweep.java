package dev.kvtier.sim.hits;

import dev.kvtier.sim.sweep.ParallelSweep;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs every scenario of a sweep on the same trace, in parallel on the available cores. Each scenario is
 * independent and seeded alike, so the results, returned in scenario order, do not depend on the thread count.
 */
public final class HitSweep
{
    private HitSweep()
    {
    }

    /**
     * @param threads  worker threads (1 runs in the caller's thread)
     * @param progress receives replayed block references from all workers; must be thread-safe; may be null
     */
    public static List<HitResult> run(final BlockTrace trace, final List<HitScenario> scenarios, final long seed,
        final int threads, final LongConsumer progress)
    {
        return ParallelSweep.run(scenarios, threads, "kvtier-sweep",
            s -> new HitResult(s, HitReplay.run(trace, s, seed, progress)));
    }

    /** Block references a sweep replays in all, for sizing a progress bar. */
    public static long work(final BlockTrace trace, final List<HitScenario> scenarios)
    {
        return (long)trace.blockRefs() * scenarios.size();
    }
}
