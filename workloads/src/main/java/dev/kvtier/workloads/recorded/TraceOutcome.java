package dev.kvtier.workloads.recorded;

import dev.kvtier.model.engine.RequestRecord;

import java.util.Objects;

/**
 * How one request was served, in the terms a live run and the simulator can both measure, so the two can be
 * compared request by request: prompt tokens found cached per tier, how its L3 prefetch ended, and its latencies.
 *
 * @param requestId      the id of its {@link TraceArrival}
 * @param deviceTokens   prompt tokens found in GPU memory (L1)
 * @param hostTokens     prompt tokens loaded back from host memory (L2)
 * @param storageTokens  prompt tokens prefetched from the store (L3)
 * @param prefetch       how the prefetch ended: {@code none}, {@code revoked}, {@code completed}, {@code partial}
 *                       or {@code timed_out}
 * @param prefetchPages  pages the request took from the store
 * @param ttftNs         arrival to first output token
 * @param itlNs          mean gap between output tokens after the first (0 for one token)
 * @param e2eNs          arrival to last output token
 * @param worker         index of the instance that served it (the prefill instance when disaggregated), or -1
 * @param aborted        not served (refused, failed, or could never fit)
 */
public record TraceOutcome(long requestId, int deviceTokens, int hostTokens, int storageTokens, String prefetch,
    int prefetchPages, long ttftNs, long itlNs, long e2eNs, int worker, boolean aborted)
{
    public TraceOutcome
    {
        Objects.requireNonNull(prefetch, "prefetch");
    }

    /**
     * A served request as the model's worker reports it, in the simulator and live alike; the prefetch pages are
     * the pages its prefix took from L3 (the record does not count pages fetched per request).
     */
    public static TraceOutcome of(final RequestRecord d, final int pageSize)
    {
        return new TraceOutcome(d.id(), d.deviceHitTokens(), d.hostHitTokens(), d.storageHitTokens(),
            d.prefetchOutcome().key(), (d.storageHitTokens() + pageSize - 1) / pageSize, d.ttftNs(), d.itlNs(),
            d.e2eNs(), d.prefillInstance(), d.aborted());
    }

    /** Prompt tokens found cached in any tier. */
    public int cachedTokens()
    {
        return deviceTokens + hostTokens + storageTokens;
    }
}
