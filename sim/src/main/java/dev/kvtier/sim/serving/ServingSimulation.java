package dev.kvtier.sim.serving;

import dev.kvtier.model.engine.ComputePort;
import dev.kvtier.model.engine.InferenceRequest;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.engine.ServingWorker;
import dev.kvtier.model.engine.WorkerConfig;
import dev.kvtier.model.engine.WorkerMemory;
import dev.kvtier.model.engine.WorkerRole;
import dev.kvtier.model.engine.WorkerStats;
import dev.kvtier.model.network.FlowNetwork;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.routing.Router;
import dev.kvtier.model.routing.RouterConfig;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.sim.cluster.ClusterConfig;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.event.RandomStreams;
import dev.kvtier.sim.runtime.SimRuntime;
import dev.kvtier.transport.sim.LatencyNetwork;
import dev.kvtier.workloads.trace.TraceRecord;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Builds a simulated cluster from a {@link ClusterPlan} — one Mooncake master, one router, one serving worker per
 * instance, each contributing a store segment — replays a trace through it on the sim runtime, and collects what
 * happened. Control messages cross a latency network; bulk bytes (L3 reads and writes, PD hand-offs) are flows
 * sharing each instance's NIC bandwidth.
 */
public final class ServingSimulation
{
    /** How long after the last arrival a run may keep draining before it stops with requests unfinished. */
    public static final long MAX_DRAIN_NS = 24L * 3600 * 1_000_000_000L;

    private ServingSimulation()
    {
    }

    public static ServingResult run(final ClusterPlan plan, final List<TraceRecord> trace, final ServingOptions o)
    {
        return run(plan, trace, o, null, done ->
        {
        });
    }

    /**
     * @param catalog  page chains built beforehand (null to build them here); reusable across runs of one trace
     * @param progress told the number of finished requests as they finish
     */
    public static ServingResult run(final ClusterPlan plan, final List<TraceRecord> trace, final ServingOptions o,
        final PageCatalog catalog, final LongConsumer progress)
    {
        final long setupStart = System.nanoTime();
        final List<TraceRecord> records = o.limit() > 0 && o.limit() < trace.size() ? trace.subList(0, o.limit())
            : trace;
        final PageCatalog pages = catalog != null ? catalog : PageCatalog.build(records, plan.cache().pageSize());
        return run(plan, records, arrivals(records, o), o, pages, progress, setupStart);
    }

    /**
     * Replays requests at given arrival times instead of the trace's timestamps (a recorded run's arrivals, which
     * were already timed). The records give each request's sizes; their timestamps and the options' arrival
     * settings and limit are not used.
     *
     * @param records    the requests, in injection order (request id = index)
     * @param arrivalsNs arrival time of each request, non-decreasing
     * @param catalog    the requests' page chains at the plan's page size
     */
    public static ServingResult run(final ClusterPlan plan, final List<TraceRecord> records, final long[] arrivalsNs,
        final ServingOptions o, final PageCatalog catalog, final LongConsumer progress)
    {
        if (arrivalsNs.length != records.size())
        {
            throw new IllegalArgumentException(records.size() + " requests but " + arrivalsNs.length + " arrivals");
        }
        if (catalog.pageSize() != plan.cache().pageSize())
        {
            throw new IllegalArgumentException("page chains of " + catalog.pageSize() + " tokens per page, but the "
                + "cluster's serving.page_size is " + plan.cache().pageSize());
        }
        return run(plan, records, arrivalsNs, o, catalog, progress, System.nanoTime());
    }

    private static ServingResult run(final ClusterPlan plan, final List<TraceRecord> records, final long[] arrivals,
        final ServingOptions o, final PageCatalog pages, final LongConsumer progress, final long setupStart)
    {
        final SimRuntime runtime = new SimRuntime(o.seed(), new LatencyNetwork(plan.latencyNs()));
        final ClusterConfig.Store storeCfg = plan.config().store();
        final MasterConfig masterConfig = new MasterConfig(storeCfg.defaultKvLeaseTtlMs(), 86_400_000, true,
            storeCfg.evictionRatio(), storeCfg.evictionHighWatermarkRatio(), 10_000, 30_000, 600_000,
            dev.kvtier.model.store.AllocationStrategy.RANDOM);
        final boolean storage = plan.cache().storage();
        final MasterNode master = new MasterNode(masterConfig);
        final NodeId masterId = storage ? runtime.add("master", master) : null;

        final int n = plan.instances();
        final List<NodeId> ids = new ArrayList<>(n);
        final int routerIndex = storage ? 1 : 0;
        for (int i = 0; i < n; i++)
        {
            final NodeId id = new NodeId(routerIndex + 1 + i, "instance-" + i);
            ids.add(id);
        }
        final List<NodeId> prefillIds = ids.subList(0, plan.prefillInstances());
        final List<NodeId> decodeIds = plan.disaggregated() ? ids.subList(plan.prefillInstances(), n) : List.of();
        final RouterConfig routerConfig = new RouterConfig(plan.routing(), plan.decodeRouting(), prefillIds,
            decodeIds, plan.config().router().cacheThreshold(), plan.config().router().balanceAbsThreshold(),
            plan.config().router().balanceRelThreshold(), RouterConfig.DEFAULT_EVICTION_INTERVAL_NS,
            RouterConfig.DEFAULT_MAX_TREE_TOKENS, plan.cache().pageSize(), plan.cost(), plan.nicBytesPerNs(),
            (long)(plan.segmentBytes() * (double)n / plan.cost().kvBytes(1)));
        final Router router = new Router(routerConfig);
        final NodeId routerId = runtime.add("router", router);
        final List<ServingWorker> workers = new ArrayList<>(n);
        final ComputePort.Factory compute = EpochCompute.factory(plan.config().serving().computeTimeScale());
        for (int i = 0; i < n; i++)
        {
            final WorkerRole role = !plan.disaggregated() ? WorkerRole.COMBINED
                : i < plan.prefillInstances() ? WorkerRole.PREFILL : WorkerRole.DECODE;
            final WorkerConfig wc = new WorkerConfig(i, role, plan.cache(),
                plan.config().serving().chunkedPrefillSize(), plan.config().serving().maxRunningRequests(),
                plan.cost(), routerId, masterId, storage ? plan.segmentBytes() : 0,
                plan.config().disaggregation().decodeOffload(), compute, WorkerMemory.VIRTUAL, false);
            final ServingWorker w = new ServingWorker(wc);
            workers.add(w);
            final NodeId got = runtime.add(ids.get(i).name(), w);
            if (got.index() != ids.get(i).index())
            {
                throw new IllegalStateException("node index mismatch for " + got);
            }
        }
        final int total = routerIndex + 1 + n;
        final double[] nic = new double[total];
        final double[] local = new double[total];
        Arrays.fill(nic, plan.nicBytesPerNs());
        Arrays.fill(local, ClusterPlan.LOCAL_COPY_BYTES_PER_NS);
        final FlowNetwork flows = new FlowNetwork(nic, nic.clone(), local, plan.latencyNs());
        runtime.useFlowNetwork(flows);

        // a request reaches the router request_overhead_ms after it was sent; its TTFT counts from the sending
        final long overheadNs = Math.round(plan.config().serving().requestOverheadMs() * 1e6);
        for (int r = 0; r < records.size(); r++)
        {
            final TraceRecord rec = records.get(r);
            runtime.inject(routerId, new InferenceRequest(r, arrivals[r], rec.inputLength(),
                Math.max(1, rec.outputLength()), pages.chain(r), pages.finished(r)), arrivals[r] + overheadNs);
        }
        final List<RequestRecord> done = new ArrayList<>(records.size());
        runtime.onDriverMessage((from, m) ->
        {
            if (m instanceof RequestRecord rec)
            {
                done.add(rec);
                progress.accept(done.size());
            }
        });
        final int expected = records.size();
        // a request that can never be served must not keep the run (and the master's timers) going forever
        final long horizon = (arrivals.length == 0 ? 0 : arrivals[arrivals.length - 1]) + MAX_DRAIN_NS;
        runtime.stopWhen(() -> done.size() >= expected || runtime.now() > horizon);
        final double ideal = pages.idealHitRatio(records);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long cpuStart = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        final long runStart = System.nanoTime();
        runtime.run();
        final long runWall = System.nanoTime() - runStart;
        final long runCpu = cpuStart < 0 ? 0 : threads.getCurrentThreadCpuTime() - cpuStart;
        done.sort(Comparator.comparingLong(RequestRecord::id));
        final List<WorkerStats> stats = new ArrayList<>(n);
        for (final ServingWorker w : workers)
        {
            stats.add(w.stats());
        }
        final boolean st = storage;
        return new ServingResult(plan, o, records.size(), done, stats,
            st ? master.service().counters() : null, st ? master.service().keyCount() : 0,
            st ? master.service().allocatedBytes() : 0, router.cacheAwareHits(), router.cacheAwareBalanced(), ideal,
            flows.bytesMoved(), runtime.eventsProcessed(), runtime.now(), runStart - setupStart, runWall,
            runCpu);
    }

    /** Arrival times in ns: trace timestamps over the rate scale, optionally spread inside their bucket. */
    static long[] arrivals(final List<TraceRecord> records, final ServingOptions o)
    {
        final long[] out = new long[records.size()];
        long bucket = o.bucketMs();
        if (o.spreadArrivals() && bucket <= 0)
        {
            bucket = Long.MAX_VALUE;
            for (int i = 1; i < records.size(); i++)
            {
                final long gap = records.get(i).timestampMs() - records.get(i - 1).timestampMs();
                if (gap > 0)
                {
                    bucket = Math.min(bucket, gap);
                }
            }
            bucket = bucket == Long.MAX_VALUE ? 1 : bucket;
        }
        final SplittableRandom random = new RandomStreams(o.seed()).stream("arrivals");
        int i = 0;
        while (i < records.size())
        {
            int j = i;
            while (j < records.size() && records.get(j).timestampMs() == records.get(i).timestampMs())
            {
                j++;
            }
            final double[] offsets = new double[j - i];
            if (o.spreadArrivals())
            {
                for (int k = 0; k < offsets.length; k++)
                {
                    offsets[k] = random.nextDouble() * bucket;
                }
                Arrays.sort(offsets);
            }
            for (int k = i; k < j; k++)
            {
                final double ms = records.get(k).timestampMs() + offsets[k - i];
                out[k] = (long)(ms * 1e6 / o.rateScale());
            }
            i = j;
        }
        for (int k = 1; k < out.length; k++)
        {
            out[k] = Math.max(out[k], out[k - 1]);
        }
        return out;
    }
}
