package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.store.StoreKey;
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
    private int[] outputBackup = new int[0];
    private DecodeBatch decode;
    private PdHandoff handoff;
    private PrefillScheduler prefill;

    private Activity activity = Activity.IDLE;
    private int storeReady = 1;
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
        return stats.refresh(cache, prefetch, backup, hostWrites, store);
    }

    public HiRadixCache cache()
    {
        return cache;
    }

    /** 1 while the L3 client's segment is being mounted, then 0 or the mount's negative error code. */
    public int storeReady()
    {
        return store == null ? 0 : storeReady;
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
            cacheConfig.writePolicy(), cacheConfig.evictionPolicy());
        final long pageBytes = config.cost().kvBytes(pageSize);
        // the serving simulator costs KV bytes without tracking which slot holds a page: its memory is virtual,
        // one region per tier, and every page moves from or to the region's first page-sized slice
        final WorkerMemory memory = config.memory();
        final int deviceRegion = memory.device(ctx, (long)cacheConfig.devicePages() * pageBytes, decodeOnly);
        if (decodeOnly)
        {
            ctx.expose(PdHandoff.kvSegment(ctx.self()), deviceRegion, 0);
        }
        final KvPages pages = memory.pages(ctx, pageBytes, (long)cacheConfig.hostPages() * pageBytes);
        if (config.master() != null)
        {
            final long clientId = memory.clientId(config.instance());
            final WorkerMemory.Contribution segment = memory.segment(ctx, clientId, config.segmentBytes());
            store = new StoreClient(ctx, config.master(), clientId, segment != null ? segment.segment() : null,
                segment != null ? segment.memory() : null, transfers);
            store.start(code -> storeReady = code);
            ctx.schedule(StoreClient.PING_INTERVAL_NS, PING_TIMER);
            backup = new BackupController(cache, store, pages);
            if (cacheConfig.storage() && !decodeOnly)
            {
                prefetch = new PrefetchController(ctx, cacheConfig, cache, store, pages, this::kick);
            }
        }
        hostWrites = new HostWrites(cache, compute, cacheConfig.storage() ? backup : null, stats, pageSize);
        decode = new DecodeBatch(this, compute, stats, config.reportProgress());
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
        else if (message instanceof FlushCache f)
        {
            ctx.send(from, flush(f.id()));
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
        final long earliest = prefetch.earliestDeadlineNs();
        if (earliest != Long.MAX_VALUE && earliest != wakeAtNs)
        {
            wakeAtNs = earliest;
            ctx.schedule(Math.max(0, earliest - ctx.now()), WAKE_TIMER);
        }
    }

    /** Drops both tiers if nothing holds their pages; the store keeps its objects. */
    private FlushCacheReply flush(final long id)
    {
        if (waitingRequests() > 0 || runningRequests() > 0 || activity != Activity.IDLE)
        {
            return new FlushCacheReply(id, false, "requests are queued or running");
        }
        if ((prefetch != null && !prefetch.idle()) || (backup != null && !backup.idle()) || !hostWrites.idle())
        {
            return new FlushCacheReply(id, false, "host copies, prefetches or backups are in flight");
        }
        cache.clear();
        return new FlushCacheReply(id, true, "");
    }

    /** Tells a streaming front end that {@code job} has made its latest token (when configured to). */
    void reportProgress(final Job job)
    {
        if (config.reportProgress())
        {
            ctx.send(config.router(), new TokenProgress(job.request.id(), job.generated, ctx.now()));
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
        final PageChain finished = job.request.finished();
        final int promptPages = job.request.chain().length();
        if (config.role() == WorkerRole.COMBINED && finished.length() > promptPages)
        {
            cacheOutput(job, finished, promptPages);
        }
        release(job);
        stats.requestsFinished++;
        if (config.role() == WorkerRole.DECODE && config.decodeOffload() && backup != null)
        {
            final int input = job.request.inputTokens();
            final int total = input + job.request.outputTokens();
            final int pages = total / pageSize - input / pageSize;
            if (pages > 0)
            {
                final List<StoreKey> keys = new ArrayList<>(pages);
                for (int j = 0; j < pages; j++)
                {
                    keys.add(StoreKey.of("offload-" + job.request.id() + "-" + j));
                }
                stats.offloadPages += pages;
                backup.offload(keys);
            }
        }
        ctx.send(config.router(), job.record(config.instance(), ctx.now()));
    }

    /**
     * Inserts the full pages the request's output completed after its prompt's (SGLang's {@code
     * cache_finished_req}), taking them from the request's device reservation, and starts the host copies the write
     * policy asks for; the store gets them behind those copies, as it gets a prompt's.
     */
    private void cacheOutput(final Job job, final PageChain finished, final int promptPages)
    {
        final int[] pages = finished.ids();
        if (outputBackup.length < pages.length)
        {
            outputBackup = new int[Math.max(pages.length, outputBackup.length * 2)];
        }
        final long reservedBefore = cache.deviceReserved();
        final int wants = cache.insert(pages, promptPages, pages.length, outputBackup);
        job.reservedPages = Math.max(0, job.reservedPages - (reservedBefore - cache.deviceReserved()));
        stats.outputPagesCached += pages.length - promptPages;
        final int written = cache.beginHostWrite(outputBackup, wants);
        if (written > 0)
        {
            hostWrites.start(outputBackup, written, finished);
        }
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
