package dev.kvtier.sim.sweep;

import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.serving.PageCatalog;
import dev.kvtier.sim.serving.ServingOptions;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.sim.serving.ServingSimulation;
import dev.kvtier.workloads.trace.TraceRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Runs serving simulations of the same trace and options over several cluster plans in parallel, one simulation
 * per thread, each on its own runtime. Plans with the same page size share one page catalog, built once before
 * the runs. Every simulation is seeded alike, so the results, returned in plan order, do not depend on the thread
 * count.
 */
public final class ServingSweep
{
    private ServingSweep()
    {
    }

    /**
     * @param trace    the whole trace; {@link ServingOptions#limit()} cuts it
     * @param threads  simulations run at once (at least one, at most one per plan)
     * @param progress told 1 each time a request finishes in any simulation; must be thread-safe
     * @throws ExecutionException   what a simulation threw, as its cause
     */
    public static List<ServingResult> run(final List<ClusterPlan> plans, final List<TraceRecord> trace,
        final ServingOptions options, final int threads, final LongConsumer progress)
        throws InterruptedException, ExecutionException
    {
        final List<TraceRecord> records = options.limit() > 0 && options.limit() < trace.size()
            ? trace.subList(0, options.limit()) : trace;
        final Map<Integer, PageCatalog> catalogs = new HashMap<>();
        for (final ClusterPlan p : plans)
        {
            catalogs.computeIfAbsent(p.cache().pageSize(), size -> PageCatalog.build(records, size));
        }
        return runAll(plans, threads, p -> ServingSimulation.run(p, records, options,
            catalogs.get(p.cache().pageSize()), done -> progress.accept(1)));
    }

    /**
     * As {@link #run(List, List, ServingOptions, int, LongConsumer)}, for requests whose arrival times and page
     * chains are already known (a recorded run): every plan replays {@code records} at {@code arrivalsNs} with the
     * catalog {@code catalogs} gives for its page size, asked once per page size before the runs.
     *
     * @param catalogs page chains at a page size; may throw {@link IllegalArgumentException} for a size it cannot
     *                 give, which this method passes on before running anything
     */
    public static List<ServingResult> run(final List<ClusterPlan> plans, final List<TraceRecord> records,
        final long[] arrivalsNs, final IntFunction<PageCatalog> catalogs, final ServingOptions options,
        final int threads, final LongConsumer progress) throws InterruptedException, ExecutionException
    {
        final Map<Integer, PageCatalog> bySize = new HashMap<>();
        for (final ClusterPlan p : plans)
        {
            bySize.computeIfAbsent(p.cache().pageSize(), catalogs::apply);
        }
        return runAll(plans, threads, p -> ServingSimulation.run(p, records, arrivalsNs, options,
            bySize.get(p.cache().pageSize()), done -> progress.accept(1)));
    }

    private static List<ServingResult> runAll(final List<ClusterPlan> plans, final int threads,
        final Function<ClusterPlan, ServingResult> simulation) throws InterruptedException, ExecutionException
    {
        final ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, plans.size())));
        try
        {
            final List<Future<ServingResult>> futures = new ArrayList<>();
            for (final ClusterPlan p : plans)
            {
                futures.add(pool.submit(() -> simulation.apply(p)));
            }
            final List<ServingResult> results = new ArrayList<>(plans.size());
            for (final Future<ServingResult> f : futures)
            {
                results.add(f.get());
            }
            return results;
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
