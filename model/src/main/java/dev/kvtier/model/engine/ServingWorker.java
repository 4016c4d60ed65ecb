package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.LocalSlice;
import dev.kvtier.model.store.client.StoreClient;

import java.util.ArrayList;
import java.util.List;

/**
 * An SGLang-like serving instance as a node: FCFS waiting queue, continuous batching, chunked prefill under a
 * token budget, decode batches, and a HiRadixCache whose L3 is a Mooncake store reached through a
 * {@link StoreClient}. Each scheduling pass first tries to build a prefill batch ({@link PrefillScheduler}), else
 * decodes the running batch ({@link DecodeBatch}); a disaggregated instance prefills or decodes only and hands
 * requests across ({@link PdHandoff}).
 *
 * <p>GPU work runs on a {@link ComputePort}: the worker asks for a prefill pass, a decode of its running batch
 * (at most until the first request finishes) or a copy, and anything that could change the batch (an arrival, a
 * finished prefetch) cuts the decode at the end of the step in progress.
 */
public final class ServingWorker implements Node
{
    private static final long STEP_TIMER = 1;
    private static final long PING_TIMER = 2;
    private static final long WAKE_TIMER = 3;
    private static final long COPY_TIMER_BASE = 1L << 40;

    private enum Activity
    {
        IDLE, PREFILL, DECODE
    }

    private final WorkerConfig config;
    private final HiCacheConfig cacheConfig;
    private final int pageSize;
    private final Completions<TransferStatus> transfers = new Completions<>();
    private final WorkerStats stats = new WorkerStats();
    private NodeContext ctx;
    private ComputePort compute;
    private HiRadixCache cache;
    private StoreClient store;
    private PrefetchController prefetch;
    private BackupController backup;
    private HostWrites hostWrites;
    private DecodeBatch decode;
    private PdHandoff handoff;
    private PrefillScheduler prefill;

    private Activity activity = Activity.IDLE;
    private long wakeAtNs = Long.MAX_VALUE;

    public ServingWorker(final WorkerConfig config)
    {
        this.config = config;
        this.cacheConfig = config.cache();
        this.pageSize = cacheConfig.pageSize();
    }

    public WorkerConfig config()
    {
        return config;
    }

    /** Live counters, read by reports after (or during) a run. */
    public WorkerStats stats()
    {
        return stats.refresh(cache, prefetch, backup, store);
    }

    public HiRadixCache cache()
    {
        return cache;
    }

    @Override
    public void onStart(final NodeContext ctx)
    {
        this.ctx = ctx;
        this.compute = config.compute().open(ctx, config.cost(), new ComputePort.Listener()
        {
            @Override
            public void prefillDone(final long busyNs)
            {
                stats.prefillBusyNs += busyNs;
                prefill.finishBatch();
                schedulePass();
            }

            @Override
            public void decodeDone(final ComputePort.DecodeSteps steps)
            {
                decode.finish(steps);
                schedulePass();
            }

            @Override
            public void copyDone(final long tag)
            {
                hostWrites.done(tag);
            }
        }, STEP_TIMER, COPY_TIMER_BASE);
        final boolean decodeOnly = config.role() == WorkerRole.DECODE;
        this.cache = new HiRadixCache(cacheConfig.devicePages(), decodeOnly ? 0 : cacheConfig.hostPages(),
            cacheConfig.writePolicy());
        final long pageBytes = config.cost().kvBytes(pageSize);
        // the serving simulator costs KV bytes without tracking which slot holds a page: its memory is virtual,
        // one region per tier, and every page moves from or to the region's first page-sized slice
        final int deviceRegion = ctx.register(MemoryRegion.virtual((long)cacheConfig.devicePages() * pageBytes));
        if (decodeOnly)
        {
            ctx.expose(PdHandoff.kvSegment(ctx.self()), deviceRegion, 0);
        }
        final int hostRegion = ctx.register(MemoryRegion.virtual(
            Math.max(cacheConfig.hostPages(), HiCacheConfig.STORAGE_BATCH_PAGES) * pageBytes));
        final LocalSlice pageSlice = new LocalSlice(hostRegion, 0, pageBytes);
        if (config.master() != null)
        {
            final long clientId = config.instance() + 1L;
            final Segment segment = config.segmentBytes() > 0
                ? new Segment(clientId, ctx.self().name(), clientId << 44, config.segmentBytes(), clientId,
                    ctx.self().name())
                : null;
            store = new StoreClient(ctx, config.master(), clientId, segment,
                segment != null ? MemoryRegion.virtual(segment.size()) : null, transfers);
            store.start();
            ctx.schedule(StoreClient.PING_INTERVAL_NS, PING_TIMER);
            backup = new BackupController(cache, store, pageSlice);
            if (cacheConfig.storage() && !decodeOnly)
            {
                prefetch = new PrefetchController(ctx, cacheConfig, cache, store, pageSlice, this::kick);
            }
        }
        hostWrites = new HostWrites(cache, compute, cacheConfig.storage() ? backup : null, stats, pageSize);
        decode = new DecodeBatch(this, compute, stats);
        handoff = new PdHandoff(this, ctx, cache, decode, stats, transfers, deviceRegion);
        prefill = new PrefillScheduler(this, ctx, cache, prefetch, compute, hostWrites, decode, handoff, stats);
    }

    @Override
    public void onMessage(final NodeId from, final Message message)
    {
        if (store != null && store.onMessage(message))
        {
            return;
        }
        if (message instanceof Dispatch d)
        {
            stats.requestsQueued++;
            prefill.queue(new Job(d.request(), d.decode(), ctx.now()));
            kick();
        }
        else if (message instanceof KvHandoff h)
        {
            handoff.receive(h);
            kick();
        }
    }

    @Override
    public void onTimer(final long timerId)
    {
        if (timerId == PING_TIMER)
        {
            store.ping();
            ctx.schedule(StoreClient.PING_INTERVAL_NS, PING_TIMER);
        }
        else if (timerId == WAKE_TIMER)
        {
            wakeAtNs = Long.MAX_VALUE;
            kick();
        }
        else
        {
            compute.onTimer(timerId);
        }
    }

    @Override
    public void onTransferDone(final long tag, final TransferStatus status)
    {
        transfers.complete(tag, status);
    }

    /** Something changed that may let work start: run a pass now, or cut the decode at the end of its step. */
    private void kick()
    {
        if (activity == Activity.IDLE)
        {
            schedulePass();
        }
        else if (activity == Activity.DECODE)
        {
            compute.cutDecode();
        }
    }

    private void schedulePass()
    {
        activity = Activity.IDLE;
        if (config.role() != WorkerRole.DECODE && prefill.formBatch())
        {
            activity = Activity.PREFILL;
            return;
        }
        if (config.role() == WorkerRole.DECODE)
        {
            handoff.admit();
        }
        if (config.role() != WorkerRole.PREFILL && !decode.isEmpty())
        {
            activity = Activity.DECODE;
            decode.start();
        }
        armWake();
    }

    /** Under the timeout policy a blocked request must be looked at again when its prefetch deadline passes. */
    private void armWake()
    {
        if (prefetch == null || cacheConfig.prefetchPolicy() != PrefetchPolicy.TIMEOUT)
        {
            return;
        }
        final long earliest = prefill.earliestPrefetchDeadline();
        if (earliest != Long.MAX_VALUE && earliest != wakeAtNs)
        {
            wakeAtNs = earliest;
            ctx.schedule(Math.max(0, earliest - ctx.now()), WAKE_TIMER);
        }
    }

    /** Gives back the request's locks and device reservation. */
    void release(final Job job)
    {
        cache.unlock(job.request.pages(), 0, job.lockedPages);
        job.lockedPages = 0;
        cache.releaseDevice(job.reservedPages);
        job.reservedPages = 0;
    }

    /** The request's last token is out: release it, offload its decoded KV if asked to, and report it. */
    void finishJob(final Job job)
    {
        release(job);
        stats.requestsFinished++;
        if (config.role() == WorkerRole.DECODE && config.decodeOffload() && backup != null)
        {
            final int input = job.request.inputTokens();
            final int total = input + job.request.outputTokens();
            final int pages = total / pageSize - input / pageSize;
            if (pages > 0)
            {
                final List<String> keys = new ArrayList<>(pages);
                for (int j = 0; j < pages; j++)
                {
                    keys.add("offload-" + job.request.id() + "-" + j);
                }
                stats.offloadPages += pages;
                backup.offload(keys);
            }
        }
        ctx.send(config.router(), job.record(config.instance(), ctx.now()));
    }

    public int waitingRequests()
    {
        return prefill.waiting() + handoff.waiting();
    }

    public int runningRequests()
    {
        return decode.size();
    }
}
