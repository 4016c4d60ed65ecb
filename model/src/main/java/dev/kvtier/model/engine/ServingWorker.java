package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.MatchResult;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferRequest;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.LocalSlice;
import dev.kvtier.model.store.client.StoreClient;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An SGLang-like serving instance as a node: FCFS waiting queue, continuous batching, chunked prefill under a
 * token budget, decode batches, and a HiRadixCache whose L3 is a Mooncake store reached through a
 * {@link StoreClient}. Each scheduling pass first tries to build a prefill batch (skipping requests whose prefetch
 * policy says wait, stopping at the first that does not fit in memory), else runs decode.
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

    private record HostWrite(int[] pages, PageChain chain)
    {
    }

    private final WorkerConfig config;
    private final HiCacheConfig cacheConfig;
    private final int pageSize;
    private final Completions<TransferStatus> transfers = new Completions<>();
    private int deviceRegion;
    private final MatchResult match = new MatchResult();
    private final List<Job> waiting = new ArrayList<>();
    private final List<Job> running = new ArrayList<>();
    private final ArrayDeque<Job> prealloc = new ArrayDeque<>();
    private final List<Job> batchJobs = new ArrayList<>();
    private final Map<Long, HostWrite> acks = new HashMap<>();
    private NodeContext ctx;
    private ComputePort compute;
    private HiRadixCache cache;
    private StoreClient store;
    private PrefetchController prefetch;
    private BackupController backup;

    private Activity activity = Activity.IDLE;
    private Job chunked;
    private int[] batchTake = new int[64];
    private long wakeAtNs = Long.MAX_VALUE;
    private long ackSeq;
    private long writeBackPagesCharged;
    private int[] backupBuffer = new int[256];

    private final WorkerStats stats = new WorkerStats();

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
        stats.deviceEvictions = cache.deviceEvictions();
        stats.hostEvictions = cache.hostEvictions();
        stats.writeBackPages = cache.writeBackPages();
        stats.deviceTreePages = cache.deviceTreePages();
        stats.hostTreePages = cache.hostTreePages();
        if (prefetch != null)
        {
            stats.prefetchOutcomes = prefetch.outcomes.clone();
            stats.prefetchRateLimited = prefetch.rateLimited;
            stats.prefetchHostAllocFailures = prefetch.hostAllocFailures;
            stats.prefetchPagesFetched = prefetch.pagesFetched;
        }
        if (backup != null)
        {
            stats.backupPagesWritten = backup.pagesWritten;
            stats.backupPagesDeduplicated = backup.pagesDeduplicated;
            stats.backupPagesFailed = backup.pagesFailed;
        }
        if (store != null)
        {
            stats.storeBytesRead = store.counters().bytesRead();
            stats.storeBytesWritten = store.counters().bytesWritten();
        }
        return stats;
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
                finishPrefill();
                schedulePass();
            }

            @Override
            public void decodeDone(final ComputePort.DecodeSteps steps)
            {
                finishDecode(steps);
                schedulePass();
            }

            @Override
            public void copyDone(final long tag)
            {
                hostWriteDone(tag);
            }
        }, STEP_TIMER, COPY_TIMER_BASE);
        final boolean decodeOnly = config.role() == WorkerRole.DECODE;
        this.cache = new HiRadixCache(cacheConfig.devicePages(), decodeOnly ? 0 : cacheConfig.hostPages(),
            cacheConfig.writePolicy());
        final long pageBytes = config.cost().kvBytes(pageSize);
        // the serving simulator costs KV bytes without tracking which slot holds a page: its memory is virtual,
        // one region per tier, and every page moves from or to the region's first page-sized slice
        deviceRegion = ctx.register(MemoryRegion.virtual((long)cacheConfig.devicePages() * pageBytes));
        if (decodeOnly)
        {
            ctx.expose(kvSegment(ctx.self()), deviceRegion, 0);
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
            final Job job = new Job(d.request(), d.decode(), ctx.now());
            stats.requestsQueued++;
            waiting.add(job);
            if (prefetch != null)
            {
                prefetch.maybeStart(job);
            }
            kick();
        }
        else if (message instanceof KvHandoff h)
        {
            final Job job = new Job(h.request(), null, ctx.now());
            job.handedOff = h.record();
            job.generated = 1;
            job.firstTokenNs = h.record().firstTokenNs();
            job.lastTokenNs = job.firstTokenNs;
            prealloc.add(job);
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

    private void hostWriteDone(final long tag)
    {
        final HostWrite w = acks.remove(tag);
        cache.endHostWrite(w.pages, w.pages.length);
        if (backup != null && cacheConfig.storage())
        {
            backup.backup(w.pages, w.pages.length, w.chain);
        }
    }

    @Override
    public void onTransferDone(final long tag, final TransferStatus status)
    {
        transfers.complete(tag, status);
    }

    // ---- scheduling -------------------------------------------------------------------------------------------

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
        if (config.role() != WorkerRole.DECODE && formPrefillBatch())
        {
            return;
        }
        if (config.role() == WorkerRole.DECODE)
        {
            admitHandoffs();
        }
        if (config.role() != WorkerRole.PREFILL && !running.isEmpty())
        {
            startDecode();
        }
        armWake();
    }

    private boolean formPrefillBatch()
    {
        batchJobs.clear();
        int budget = config.chunkedPrefillTokens();
        long newTokens = 0;
        double pairs = 0;
        long loadTokens = 0;
        if (chunked != null)
        {
            final int take = Math.min(chunked.remainingExtend(), budget);
            addToBatch(chunked, take);
            budget -= take;
            newTokens += take;
            pairs += take * (chunked.cachedTokens + chunked.extendDone + take / 2.0);
        }
        for (int i = 0; i < waiting.size() && budget > 0; )
        {
            if (running.size() + batchJobs.size() >= config.maxRunningRequests())
            {
                break;
            }
            final Job job = waiting.get(i);
            if (job.prefetch != null && !prefetch.mayTerminate(job.prefetch))
            {
                if (job.blockedSinceNs < 0)
                {
                    job.blockedSinceNs = ctx.now();
                }
                stats.prefetchWaitSkips++;
                i++;
                continue;
            }
            if (neverFits(job))
            {
                waiting.remove(i);
                abort(job);
                continue;
            }
            final int loaded = admit(job);
            if (loaded < 0)
            {
                stats.admissionStalls++;
                break;
            }
            waiting.remove(i);
            loadTokens += (long)loaded * pageSize;
            final int take = Math.min(job.remainingExtend(), budget);
            addToBatch(job, take);
            budget -= take;
            newTokens += take;
            pairs += take * (job.cachedTokens + take / 2.0);
            job.prefillStartNs = ctx.now();
            if (job.remainingExtend() > take)
            {
                chunked = job;
                break;
            }
        }
        if (batchJobs.isEmpty())
        {
            return false;
        }
        final long writeBack = cache.writeBackPages() - writeBackPagesCharged;
        writeBackPagesCharged = cache.writeBackPages();
        stats.prefillBatches++;
        stats.prefillTokens += newTokens;
        stats.loadBackTokens += loadTokens;
        activity = Activity.PREFILL;
        compute.prefill(newTokens, pairs, loadTokens, writeBack * pageSize);
        return true;
    }

    private void addToBatch(final Job job, final int take)
    {
        if (batchJobs.size() == batchTake.length)
        {
            batchTake = Arrays.copyOf(batchTake, batchTake.length * 2);
        }
        batchTake[batchJobs.size()] = take;
        batchJobs.add(job);
    }

    /**
     * Ends the request's prefetch, matches its prefix, loads host hits back and reserves device memory for the
     * rest. Returns the pages loaded back, or -1 (changing no reservation) when memory is short.
     */
    private int admit(final Job job)
    {
        if (job.prefetch != null)
        {
            prefetch.terminate(job.prefetch);
        }
        if (job.blockedSinceNs >= 0)
        {
            job.prefetchWaitNs += ctx.now() - job.blockedSinceNs;
            job.blockedSinceNs = -1;
        }
        final int[] pages = job.request.pages();
        cache.match(pages, pages.length, match);
        final int d = match.devicePages();
        final int h = match.hostPages();
        cache.lock(pages, 0, d + h);
        int loaded = 0;
        if (h > 0 && (long)h * pageSize >= cacheConfig.loadBackThresholdTokens() && cache.loadBack(pages, d, d + h))
        {
            loaded = h;
        }
        cache.unlock(pages, d + loaded, d + h);
        final int cachedPages = d + loaded;
        final int input = job.request.inputTokens();
        final int uncached = input - cachedPages * pageSize;
        final int output = config.role() == WorkerRole.COMBINED ? job.request.outputTokens() : 0;
        final long reserve = (uncached + output + pageSize - 1) / pageSize;
        if (!cache.reserveDevice(reserve))
        {
            cache.unlock(pages, 0, cachedPages);
            return -1;
        }
        job.reservedPages = reserve;
        job.lockedPages = cachedPages;
        final int storage = Math.min(job.prefetchedPages, loaded);
        job.deviceHitTokens = d * pageSize;
        job.storageHitTokens = storage * pageSize;
        job.hostHitTokens = (loaded - storage) * pageSize;
        job.cachedTokens = Math.min(cachedPages * pageSize, input - 1);
        return loaded;
    }

    /** A request whose KV can never fit in this instance's GPU memory is rejected, as SGLang rejects it. */
    private boolean neverFits(final Job job)
    {
        final long tokens = job.request.inputTokens()
            + (config.role() == WorkerRole.COMBINED ? job.request.outputTokens() : 0);
        return (tokens + pageSize - 1) / pageSize > cacheConfig.devicePages();
    }

    private void abort(final Job job)
    {
        if (job.prefetch != null)
        {
            prefetch.terminate(job.prefetch);
        }
        stats.requestsAborted++;
        job.prefillStartNs = ctx.now();
        job.firstTokenNs = ctx.now();
        job.lastTokenNs = job.firstTokenNs;
        ctx.send(config.router(), new PrefillDone(job.request.id()));
        ctx.send(config.router(), job.record(config.instance(), ctx.now()).asAborted());
    }

    private void finishPrefill()
    {
        for (int i = 0; i < batchJobs.size(); i++)
        {
            final Job job = batchJobs.get(i);
            job.extendDone += batchTake[i];
            if (job.remainingExtend() > 0)
            {
                chunked = job;
                continue;
            }
            if (chunked == job)
            {
                chunked = null;
            }
            prefillComplete(job);
        }
        batchJobs.clear();
    }

    private void prefillComplete(final Job job)
    {
        final int[] pages = job.request.pages();
        final int n = pages.length;
        if (backupBuffer.length < n)
        {
            backupBuffer = new int[Math.max(n, backupBuffer.length * 2)];
        }
        final long reservedBefore = cache.deviceReserved();
        final int wants = cache.insert(pages, n, backupBuffer);
        job.reservedPages = Math.max(0, job.reservedPages - (reservedBefore - cache.deviceReserved()));
        cache.lock(pages, job.lockedPages, n);
        job.lockedPages = n;
        final int written = cache.beginHostWrite(backupBuffer, wants);
        if (written > 0)
        {
            final long tokens = (long)written * pageSize;
            stats.d2hTokens += tokens;
            final long tag = ackSeq++;
            acks.put(tag, new HostWrite(Arrays.copyOf(backupBuffer, written), job.request.chain()));
            compute.copy(ComputePort.Copy.DEVICE_TO_HOST, tokens, tag);
        }
        job.generated = 1;
        ctx.send(config.router(), new PrefillDone(job.request.id()));
        if (config.role() == WorkerRole.PREFILL)
        {
            handOff(job);
            return;
        }
        job.firstTokenNs = ctx.now();
        job.lastTokenNs = job.firstTokenNs;
        if (job.remainingOutput() <= 0)
        {
            finishJob(job);
        }
        else
        {
            running.add(job);
        }
    }

    private void handOff(final Job job)
    {
        final long bytes = config.cost().kvBytes(job.request.inputTokens());
        stats.handoffBytes += bytes;
        final NodeId target = job.decodeTarget;
        final TransferRequest write = TransferRequest.write(kvSegment(target), 0, deviceRegion, 0, bytes);
        ctx.transfer(List.of(write), transfers.register(status ->
        {
            if (!status.ok())
            {
                stats.handoffFailures++;
            }
            release(job);
            final RequestRecord partial = job.record(config.instance(), 0).withFirstToken(ctx.now());
            ctx.send(target, new KvHandoff(job.request, partial));
        }));
    }

    /** The segment a decode instance exposes its KV memory as, for prefill instances to write hand-offs into. */
    private static String kvSegment(final NodeId decode)
    {
        return decode.name() + "/kv";
    }

    private void release(final Job job)
    {
        cache.unlock(job.request.pages(), 0, job.lockedPages);
        job.lockedPages = 0;
        cache.releaseDevice(job.reservedPages);
        job.reservedPages = 0;
    }

    private void finishJob(final Job job)
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

    private void admitHandoffs()
    {
        while (!prealloc.isEmpty() && running.size() < config.maxRunningRequests())
        {
            final Job job = prealloc.peek();
            final long pages = (job.request.inputTokens() + job.request.outputTokens() + pageSize - 1) / pageSize;
            if (!cache.reserveDevice(pages))
            {
                stats.admissionStalls++;
                return;
            }
            prealloc.poll();
            job.reservedPages = pages;
            if (job.remainingOutput() <= 0)
            {
                finishJob(job);
            }
            else
            {
                running.add(job);
            }
        }
    }

    // ---- decode ----------------------------------------------------------------------------------------

    private void startDecode()
    {
        long context = 0;
        int steps = Integer.MAX_VALUE;
        for (final Job job : running)
        {
            context += job.request.inputTokens() + job.generated;
            steps = Math.min(steps, job.remainingOutput());
        }
        activity = Activity.DECODE;
        compute.decode(running.size(), context, Math.max(steps, 1));
    }

    private void finishDecode(final ComputePort.DecodeSteps done)
    {
        final int steps = done.steps();
        stats.decodeSteps += steps;
        stats.decodeTokens += (long)steps * running.size();
        stats.decodeBusyNs += done.stepEndNs(steps - 1);
        recordTokenGaps(done);
        int kept = 0;
        final List<Job> finished = new ArrayList<>();
        for (final Job job : running)
        {
            job.generated += steps;
            if (job.remainingOutput() <= 0)
            {
                finished.add(job);
            }
            else
            {
                running.set(kept++, job);
            }
        }
        running.subList(kept, running.size()).clear();
        for (final Job job : finished)
        {
            finishJob(job);
        }
    }

    /** Each running request's gaps between tokens over the decode's steps. */
    private void recordTokenGaps(final ComputePort.DecodeSteps done)
    {
        final int steps = done.steps();
        final long start = done.startNs();
        final long firstStepEnd = start + done.stepEndNs(0);
        for (final Job job : running)
        {
            stats.tokenItlUs.recordValue(Math.max(1, (firstStepEnd - job.lastTokenNs) / 1000));
            job.lastTokenNs = start + done.stepEndNs(steps - 1);
        }
        for (int k = 1; k < steps; k++)
        {
            stats.tokenItlUs.recordValueWithCount(Math.max(1, (done.stepEndNs(k) - done.stepEndNs(k - 1)) / 1000),
                running.size());
        }
    }

    /** Under the timeout policy a blocked request must be looked at again when its prefetch deadline passes. */
    private void armWake()
    {
        if (prefetch == null || cacheConfig.prefetchPolicy() != PrefetchPolicy.TIMEOUT)
        {
            return;
        }
        long earliest = Long.MAX_VALUE;
        for (final Job job : waiting)
        {
            if (job.prefetch != null && !job.prefetch.terminated)
            {
                earliest = Math.min(earliest, prefetch.deadlineNs(job.prefetch));
            }
        }
        if (earliest != Long.MAX_VALUE && earliest != wakeAtNs)
        {
            wakeAtNs = earliest;
            ctx.schedule(Math.max(0, earliest - ctx.now()), WAKE_TIMER);
        }
    }

    public int waitingRequests()
    {
        return waiting.size() + prealloc.size();
    }

    public int runningRequests()
    {
        return running.size();
    }
}
