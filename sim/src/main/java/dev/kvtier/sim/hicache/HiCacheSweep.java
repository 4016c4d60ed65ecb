package dev.kvtier.sim.hicache;

import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.sim.sweep.ParallelSweep;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs every variant of a clock-free HiCache replay on the same trace, in parallel. Variants share nothing but the
 * read-only trace and are seeded alike, so the results, in variant order, do not depend on the thread count.
 */
public final class HiCacheSweep
{
    private HiCacheSweep()
    {
    }

    /**
     * @param threads  worker threads (1 runs in the caller's thread)
     * @param progress receives replayed page references from all workers; must be thread-safe; may be null
     */
    public static List<HiCacheResult> run(final BlockTrace trace, final List<HiCacheScenario> scenarios,
        final long seed, final int threads, final LongConsumer progress)
    {
        return ParallelSweep.run(scenarios, threads, "kvtier-hicache-sweep",
            s -> new HiCacheResult(s, HiCacheReplay.run(trace, s, seed, progress)));
    }

    /** Page references a sweep replays in all, for sizing a progress bar. */
    public static long work(final BlockTrace trace, final List<HiCacheScenario> scenarios)
    {
        return (long)trace.blockRefs() * scenarios.size();
    }
}
