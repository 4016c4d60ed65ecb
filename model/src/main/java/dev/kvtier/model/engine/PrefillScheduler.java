package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.MatchResult;
import dev.kvtier.model.node.NodeContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prefill half of the scheduler: an FCFS waiting queue and chunked prefill under a token budget. A batch
 * takes the chunked request in progress first, then waiting requests in order, skipping those whose prefetch
 * policy says wait and stopping at the first that does not fit in memory; admitting a request ends its prefetch,
 * matches its prefix across the device and host tiers, loads host hits back and reserves device memory for the
 * rest. A finished prefill inserts the request's pages, starts the host copies the write policy asks for, and
 * sends the request on to decode here or on a decode instance.
 */
final class PrefillScheduler
{
    private final ServingWorker worker;
    private final WorkerConfig config;
    private final HiCacheConfig cacheConfig;
    private final int pageSize;
    private final NodeContext ctx;
    private final HiRadixCache cache;
    private final PrefetchController prefetch;
    private final ComputePort compute;
    private final HostWrites hostWrites;
    private final DecodeBatch decode;
    private final PdHandoff handoff;
    private final WorkerStats stats;

    private final MatchResult match = new MatchResult();
    private final List<Job> waiting = new ArrayList<>();
    private final List<Job> batchJobs = new ArrayList<>();
    private int[] batchTake = new int[64];
    private Job chunked;
    private Job stalled;
    private long stalledVersion;
    private long stalledTouches;
    private long writeBackPagesCharged;
    private int[] backupBuffer = new int[256];

    /** @param prefetch the L3 prefetch, or null without one */
    PrefillScheduler(final ServingWorker worker, final NodeContext ctx, final HiRadixCache cache,
        final PrefetchController prefetch, final ComputePort compute, final HostWrites hostWrites,
        final DecodeBatch decode, final PdHandoff handoff, final WorkerStats stats)
    {
        this.worker = worker;
        this.config = worker.config();
        this.cacheConfig = config.cache();
        this.pageSize = cacheConfig.pageSize();
        this.ctx = ctx;
        this.cache = cache;
        this.prefetch = prefetch;
        this.compute = compute;
        this.hostWrites = hostWrites;
        this.decode = decode;
        this.handoff = handoff;
        this.stats = stats;
    }

    /** A dispatched request joins the queue; its prefetch from L3 starts now if it has one. */
    void queue(final Job job)
    {
        waiting.add(job);
        if (prefetch != null)
        {
            prefetch.maybeStart(job);
        }
    }

    int waiting()
    {
        return waiting.size();
    }

    /** Builds a batch and starts its pass; returns false if nothing could be admitted. */
    boolean formBatch()
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
            if (decode.size() + batchJobs.size() >= config.maxRunningRequests())
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
     *
     * <p>An attempt that does not fit and frees, evicts and loads nothing leaves the cache as it found it but for
     * its prefix's recency; asked again before any other call changes the cache, it would fail the same way after
     * matching, locking and unlocking its prefix again. Such a request is stalled until the cache's version moves:
     * a retry costs nothing, or one touch of its prefix if other requests touched theirs meanwhile, and ends as the
     * full attempt would.
     */
    private int admit(final Job job)
    {
        if (job == stalled && cache.version() == stalledVersion)
        {
            if (cache.touches() != stalledTouches)
            {
                cache.match(job.request.pages(), job.request.pages().length, match);
                stalledTouches = cache.touches();
            }
            stats.admissionRetriesSkipped++;
            return -1;
        }
        stalled = null;
        return tryAdmit(job);
    }

    private int tryAdmit(final Job job)
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
        final long deviceEvictions = cache.deviceEvictions();
        final long hostEvictions = cache.hostEvictions();
        final long failedHost = cache.failedHostAllocations();
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
            if (loaded == 0 && deviceEvictions == cache.deviceEvictions()
                && hostEvictions == cache.hostEvictions() && failedHost == cache.failedHostAllocations())
            {
                stalled = job;
                stalledVersion = cache.version();
                stalledTouches = cache.touches();
            }
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

    /** The batch's pass ended: requests whose prompt is done leave prefill, a chunked one stays. */
    void finishBatch()
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
            hostWrites.start(backupBuffer, written, job.request.chain());
        }
        job.generated = 1;
        ctx.send(config.router(), new PrefillDone(job.request.id()));
        if (config.role() == WorkerRole.PREFILL)
        {
            handoff.send(job);
            return;
        }
        job.firstTokenNs = ctx.now();
        job.lastTokenNs = job.firstTokenNs;
        if (job.remainingOutput() <= 0)
        {
            worker.finishJob(job);
        }
        else
        {
            worker.reportProgress(job);
            decode.add(job);
        }
    }
}
