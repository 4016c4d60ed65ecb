package dev.kvtier.sim.serving;

import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.engine.WorkerStats;
import dev.kvtier.model.store.MasterCounters;
import dev.kvtier.sim.cluster.ClusterPlan;

import java.util.List;

/**
 * Everything one serving run produced: per-request records in request-id order, per-instance counters, the
 * master's counters, and the run's own cost (events, simulated time, wall time, and the CPU time of the thread
 * that ran the event loop, which stays put when other processes share the cores and the wall time does not).
 */
public record ServingResult(ClusterPlan plan, ServingOptions options, int requests, List<RequestRecord> records,
    List<WorkerStats> workers, MasterCounters master, int storeKeys, long storeBytes, long cacheAwareHits,
    long cacheAwareBalanced, double idealHitRatio, double networkBytes, long events, long simulatedNs,
    long setupWallNs, long runWallNs, long runCpuNs)
{
    /** Simulated seconds per wall second of the event loop. */
    public double realTimeFactor()
    {
        return runWallNs == 0 ? 0 : (double)simulatedNs / runWallNs;
    }
}
