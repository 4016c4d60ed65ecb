package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.node.Message;

/**
 * Everything measured about one finished request, sent by the instance that finished it. Times are absolute
 * nanoseconds on the runtime's clock; cached tokens are split by the tier they came from.
 *
 * @param prefillInstance  index of the instance that ran the prefill
 * @param decodeInstance   index of the decode instance (the same as prefill when not disaggregated)
 * @param prefillStartNs   first prefill chunk starts
 * @param firstTokenNs     first output token is available to the client
 * @param prefetchWaitNs   time the scheduler held the request back only because its prefetch was not done
 * @param aborted          rejected without being served (its KV could never fit on the instance)
 */
public record RequestRecord(long id, int prefillInstance, int decodeInstance, long arrivalNs, long prefillStartNs,
    long firstTokenNs, long finishNs, int inputTokens, int outputTokens, int deviceHitTokens, int hostHitTokens,
    int storageHitTokens, PrefetchOutcome prefetchOutcome, long prefetchWaitNs, boolean aborted) implements Message
{
    public long ttftNs()
    {
        return firstTokenNs - arrivalNs;
    }

    public long e2eNs()
    {
        return finishNs - arrivalNs;
    }

    /** Mean time between output tokens after the first; 0 for one-token outputs. */
    public long itlNs()
    {
        return outputTokens > 1 ? (finishNs - firstTokenNs) / (outputTokens - 1) : 0;
    }

    public int cachedTokens()
    {
        return deviceHitTokens + hostHitTokens + storageHitTokens;
    }

    public RequestRecord finishedAt(final int decode, final long finish)
    {
        return new RequestRecord(id, prefillInstance, decode, arrivalNs, prefillStartNs, firstTokenNs, finish,
            inputTokens, outputTokens, deviceHitTokens, hostHitTokens, storageHitTokens, prefetchOutcome,
            prefetchWaitNs, aborted);
    }

    public RequestRecord asAborted()
    {
        return new RequestRecord(id, prefillInstance, decodeInstance, arrivalNs, prefillStartNs, firstTokenNs,
            finishNs, inputTokens, outputTokens, 0, 0, 0, prefetchOutcome, prefetchWaitNs, true);
    }

    public RequestRecord withFirstToken(final long at)
    {
        return new RequestRecord(id, prefillInstance, decodeInstance, arrivalNs, prefillStartNs, at, finishNs,
            inputTokens, outputTokens, deviceHitTokens, hostHitTokens, storageHitTokens, prefetchOutcome,
            prefetchWaitNs, aborted);
    }
}
