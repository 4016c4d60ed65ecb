package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.store.client.StoreClient;

import org.HdrHistogram.Histogram;

/** Counters of one instance over a run; reports sum them across instances. Fields are public for reports. */
public final class WorkerStats
{
    public long requestsQueued;
    public long requestsFinished;
    public long requestsAborted;
    public long prefillBatches;
    public long prefillTokens;
    public long prefillBusyNs;
    public long decodeSteps;
    public long decodeTokens;
    public long decodeBusyNs;
    public long loadBackTokens;
    public long d2hTokens;
    public long handoffBytes;
    /** PD hand-offs whose KV transfer failed (the request still goes on to decode). */
    public long handoffFailures;
    public long offloadPages;
    /** Full pages finished requests added after their prompt's (their output, cached for the next turn). */
    public long outputPagesCached;
    public long prefetchWaitSkips;
    /** Admission attempts that found too little device memory for the request at the head of the queue. */
    public long admissionStalls;
    /**
     * Those of {@link #admissionStalls} answered without asking the cache again: nothing that decides the fit had
     * changed since the same request's previous attempt, which freed and loaded nothing.
     */
    public long admissionRetriesSkipped;
    public long deviceEvictions;
    public long hostEvictions;
    public long writeBackPages;
    public long deviceTreePages;
    public long hostTreePages;
    public long[] prefetchOutcomes = new long[PrefetchOutcome.values().length];
    public long prefetchRateLimited;
    public long prefetchHostAllocFailures;
    public long prefetchPagesFetched;
    public long backupPagesWritten;
    public long backupPagesDeduplicated;
    public long backupPagesFailed;
    /**
     * A gauge, not a counter: pages on their way to L3 now (host copies in flight that a backup follows, plus
     * backups queued or being written). 0 means every page written through so far is in the store (or failed).
     */
    public long backupPagesPending;
    public long storeBytesRead;
    public long storeBytesWritten;
    /** Pages read from L3 whose bytes were not their key's (always 0 where bytes are only costed). */
    public long kvMismatches;
    /**
     * Every inter-token gap of every request decoded here, in microseconds: a step's duration for each request in
     * its batch, and for a request's first decode step the whole wait since its previous token (a prefill pass or
     * a PD hand-off in between shows up here, where a per-request mean hides it).
     */
    public final Histogram tokenItlUs = new Histogram(3_600_000_000L, 3);

    /** Copies the counters the instance's parts keep themselves; any part may be null (absent or not started). */
    WorkerStats refresh(final HiRadixCache cache, final PrefetchController prefetch, final BackupController backup,
        final HostWrites hostWrites, final StoreClient store)
    {
        if (cache != null)
        {
            deviceEvictions = cache.deviceEvictions();
            hostEvictions = cache.hostEvictions();
            writeBackPages = cache.writeBackPages();
            deviceTreePages = cache.deviceTreePages();
            hostTreePages = cache.hostTreePages();
        }
        if (prefetch != null)
        {
            prefetchOutcomes = prefetch.outcomes.clone();
            prefetchRateLimited = prefetch.rateLimited;
            prefetchHostAllocFailures = prefetch.hostAllocFailures;
            prefetchPagesFetched = prefetch.pagesFetched;
            kvMismatches = prefetch.kvMismatches;
        }
        if (backup != null)
        {
            backupPagesWritten = backup.pagesWritten;
            backupPagesDeduplicated = backup.pagesDeduplicated;
            backupPagesFailed = backup.pagesFailed;
            backupPagesPending = backup.pendingPages() + (hostWrites == null ? 0 : hostWrites.backupPagesPending());
        }
        if (store != null)
        {
            storeBytesRead = store.counters().bytesRead();
            storeBytesWritten = store.counters().bytesWritten();
        }
        return this;
    }
}
