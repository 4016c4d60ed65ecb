package dev.kvtier.sim.hits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        final List<HitResult> results = new ArrayList<>(scenarios.size());
        if (threads <= 1 || scenarios.size() <= 1)
        {
            for (final HitScenario s : scenarios)
            {
                results.add(new HitResult(s, HitReplay.run(trace, s, seed, progress)));
            }
            return results;
        }
        final ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, scenarios.size()), r ->
        {
            final Thread t = new Thread(r, "kvtier-sweep");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<HitResult>> futures = new ArrayList<>();
            for (final HitScenario s : scenarios)
            {
                futures.add(pool.submit(() -> new HitResult(s, HitReplay.run(trace, s, seed, progress))));
            }
            for (final Future<HitResult> f : futures)
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

    /** Block references a sweep replays in all, for sizing a progress bar. */
    public static long work(final BlockTrace trace, final List<HitScenario> scenarios)
    {
        return (long)trace.blockRefs() * scenarios.size();
    }
}
