package dev.kvtier.sim.hicache;

import dev.kvtier.sim.hits.BlockTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        final List<HiCacheResult> results = new ArrayList<>(scenarios.size());
        if (threads <= 1 || scenarios.size() <= 1)
        {
            for (final HiCacheScenario s : scenarios)
            {
                results.add(new HiCacheResult(s, HiCacheReplay.run(trace, s, seed, progress)));
            }
            return results;
        }
        final ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, scenarios.size()), r ->
        {
            final Thread t = new Thread(r, "kvtier-hicache-sweep");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<HiCacheResult>> futures = new ArrayList<>();
            for (final HiCacheScenario s : scenarios)
            {
                futures.add(pool.submit(() -> new HiCacheResult(s, HiCacheReplay.run(trace, s, seed, progress))));
            }
            for (final Future<HiCacheResult> f : futures)
            {
                results.add(f.get());
            }
            return results;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        }
        catch (final ExecutionException e)
        {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /** Page references a sweep replays in all, for sizing a progress bar. */
    public static long work(final BlockTrace trace, final List<HiCacheScenario> scenarios)
    {
        return (long)trace.blockRefs() * scenarios.size();
    }
}
