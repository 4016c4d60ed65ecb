package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PrefetchOutcome;

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
    public long offloadPages;
    public long prefetchWaitSkips;
    public long admissionStalls;
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
    public long storeBytesRead;
    public long storeBytesWritten;
}
