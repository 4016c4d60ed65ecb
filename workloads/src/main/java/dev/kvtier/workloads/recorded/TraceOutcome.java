package dev.kvtier.workloads.recorded;

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

    /** Prompt tokens found cached in any tier. */
    public int cachedTokens()
    {
        return deviceTokens + hostTokens + storageTokens;
    }
}
