package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.node.NodeId;

/** A request's mutable life inside one instance: queueing, prefetch, hits, prefill progress, decode progress. */
final class Job
{
    final InferenceRequest request;
    final NodeId decodeTarget;
    final long queuedNs;

    PrefetchOp prefetch;
    PrefetchOutcome outcome = PrefetchOutcome.NONE;
    long blockedSinceNs = -1;
    long prefetchWaitNs;

    int lockedPages;
    long reservedPages;
    int deviceHitTokens;
    int hostHitTokens;
    int storageHitTokens;
    int prefetchedPages;

    int cachedTokens;
    int extendDone;
    long prefillStartNs = -1;
    long firstTokenNs;
    /**
     * When this request's latest token came out, as of its joining the decode batch and its finishing; while it
     * decodes, {@link DecodeBatch} holds the time of its latest step.
     */
    long lastTokenNs;
    /** Output tokens made; while the request decodes, brought up to date by {@link DecodeBatch} when it reads it. */
    int generated;
    /** The decode batch's step at which this request has made all its output. */
    long doneAtStep;
    /** Where {@link DecodeBatch} holds this request in its join-ordered batch, while it decodes. */
    int batchSlot;
    RequestRecord handedOff;

    Job(final InferenceRequest request, final NodeId decodeTarget, final long queuedNs)
    {
        this.request = request;
        this.decodeTarget = decodeTarget;
        this.queuedNs = queuedNs;
    }

    int extendTotal()
    {
        return request.inputTokens() - cachedTokens;
    }

    int remainingExtend()
    {
        return extendTotal() - extendDone;
    }

    int remainingOutput()
    {
        return request.outputTokens() - generated;
    }

    RequestRecord record(final int instance, final long finishNs)
    {
        if (handedOff != null)
        {
            return handedOff.finishedAt(instance, finishNs);
        }
        return new RequestRecord(request.id(), instance, instance, request.arrivalNs(), prefillStartNs,
            firstTokenNs, finishNs, request.inputTokens(), request.outputTokens(), deviceHitTokens, hostHitTokens,
            storageHitTokens, outcome, prefetchWaitNs, false);
    }
}
