package dev.kvtier.workloads.recorded;

import dev.kvtier.model.engine.RequestRecord;

import java.util.Arrays;
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
 * @param outputKeys     page keys of the full pages the request's output completed after its prompt's, in order:
 *                       what a worker caches beside the prompt when the request ends, so that a replay caches it
 *                       too; empty when not known (a simulator's run, an imported trace, an answer without ids)
 */
public record TraceOutcome(long requestId, int deviceTokens, int hostTokens, int storageTokens, String prefetch,
    int prefetchPages, long ttftNs, long itlNs, long e2eNs, int worker, boolean aborted, String[] outputKeys)
{
    private static final String[] NO_KEYS = new String[0];

    public TraceOutcome
    {
        Objects.requireNonNull(prefetch, "prefetch");
        outputKeys = outputKeys == null ? NO_KEYS : outputKeys;
    }

    /** An outcome whose output pages are not known. */
    public TraceOutcome(final long requestId, final int deviceTokens, final int hostTokens, final int storageTokens,
        final String prefetch, final int prefetchPages, final long ttftNs, final long itlNs, final long e2eNs,
        final int worker, final boolean aborted)
    {
        this(requestId, deviceTokens, hostTokens, storageTokens, prefetch, prefetchPages, ttftNs, itlNs, e2eNs, worker,
            aborted, NO_KEYS);
    }

    /** This outcome with the page keys of the full pages its output completed. */
    public TraceOutcome withOutputKeys(final String[] keys)
    {
        return new TraceOutcome(requestId, deviceTokens, hostTokens, storageTokens, prefetch, prefetchPages, ttftNs,
            itlNs, e2eNs, worker, aborted, keys);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TraceOutcome t && t.requestId == requestId && t.deviceTokens == deviceTokens
            && t.hostTokens == hostTokens && t.storageTokens == storageTokens && t.prefetch.equals(prefetch)
            && t.prefetchPages == prefetchPages && t.ttftNs == ttftNs && t.itlNs == itlNs && t.e2eNs == e2eNs
            && t.worker == worker && t.aborted == aborted && Arrays.equals(t.outputKeys, outputKeys);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(requestId, deviceTokens, hostTokens, storageTokens, prefetch, prefetchPages, ttftNs,
            itlNs, e2eNs, worker, aborted, Arrays.hashCode(outputKeys));
    }

    @Override
    public String toString()
    {
        return "TraceOutcome[id=" + requestId + ", device=" + deviceTokens + ", host=" + hostTokens + ", storage="
            + storageTokens + ", prefetch=" + prefetch + "/" + prefetchPages + ", ttft=" + ttftNs + "ns, itl=" + itlNs
            + "ns, e2e=" + e2eNs + "ns, worker=" + worker + (aborted ? ", aborted" : "") + ", output pages="
            + outputKeys.length + "]";
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
