package dev.kvtier.sim.hicache;

import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.sim.sweep.ParallelSweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs every variant of a clock-free HiCache replay on the same trace, in parallel. Variants share nothing but the
 * read-only trace and are seeded alike, so the results, in variant order, do not depend on the thread count.
 *
 * <p>The variants run {@code boundary_l1_l2} first and hand their results back in the order given. A run is short
 * enough (a fraction of a second per variant) that the JIT's warm-up is much of it, and the order decides how that
 * warm-up goes: {@code boundary_l1_l2} takes nearly every path of the radix cache (demotion, duplicate eviction,
 * both L2 orders), so the code compiled while it runs already covers the other policies, where the policies in
 * their listed order left it last, to throw away code compiled without its paths and run slowly until the JIT had
 * compiled it again.
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
        final Integer[] order = runOrder(scenarios);
        final List<HiCacheScenario> ordered = new ArrayList<>(scenarios.size());
        for (final Integer i : order)
        {
            ordered.add(scenarios.get(i));
        }
        final List<HiCacheResult> done = ParallelSweep.run(ordered, threads, "kvtier-hicache-sweep",
            s -> new HiCacheResult(s, HiCacheReplay.run(trace, s, seed, progress)));
        final HiCacheResult[] results = new HiCacheResult[scenarios.size()];
        for (int k = 0; k < order.length; k++)
        {
            results[order[k]] = done.get(k);
        }
        return Arrays.asList(results);
    }

    /** Positions of {@code scenarios} in the order they run: boundary_l1_l2 first, otherwise as listed. */
    static Integer[] runOrder(final List<HiCacheScenario> scenarios)
    {
        final Integer[] order = new Integer[scenarios.size()];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> scenarios.get(i).policy() != WritePolicy.BOUNDARY_L1_L2));
        return order;
    }

    /** Page references a sweep replays in all, for sizing a progress bar. */
    public static long work(final BlockTrace trace, final List<HiCacheScenario> scenarios)
    {
        return (long)trace.blockRefs() * scenarios.size();
    }
}
