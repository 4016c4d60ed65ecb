package dev.kvtier.sim.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs independent simulation variants on a few threads and hands back their results in the variants' order, so a
 * sweep's report is the same whatever the thread count. Variants share nothing but read-only input; one thread (or
 * one variant) runs in the caller's thread.
 */
public final class ParallelSweep
{
    private ParallelSweep()
    {
    }

    /**
     * @param threads    worker threads (1 runs in the caller's thread)
     * @param threadName name of the worker threads
     * @param run        one variant's simulation; must be safe to call from several threads at once
     */
    public static <S, R> List<R> run(final List<S> variants, final int threads, final String threadName,
        final Function<S, R> run)
    {
        final List<R> results = new ArrayList<>(variants.size());
        if (threads <= 1 || variants.size() <= 1)
        {
            for (final S s : variants)
            {
                results.add(run.apply(s));
            }
            return results;
        }
        final ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, variants.size()), r ->
        {
            final Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<R>> futures = new ArrayList<>();
            for (final S s : variants)
            {
                futures.add(pool.submit(() -> run.apply(s)));
            }
            for (final Future<R> f : futures)
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
}
