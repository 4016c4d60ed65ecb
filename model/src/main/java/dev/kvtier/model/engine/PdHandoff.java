package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.TransferRequest;
import dev.kvtier.model.node.TransferStatus;

import java.util.ArrayDeque;

/**
 * Prefill/decode disaggregation, both ends. A prefill instance writes a finished prompt's KV into its decode
 * instance's exposed KV segment and then hands the request over; a decode instance queues hand-offs until it can
 * reserve device memory for the prompt and the whole output, then adds them to its running batch. A failed KV
 * write is counted, and the request still goes on to decode.
 */
final class PdHandoff
{
    private final ArrayDeque<Job> prealloc = new ArrayDeque<>();
    private final ServingWorker worker;
    private final WorkerConfig config;
    private final NodeContext ctx;
    private final HiRadixCache cache;
    private final DecodeBatch decode;
    private final WorkerStats stats;
    private final Completions<TransferStatus> transfers;
    private final int deviceRegion;

    PdHandoff(final ServingWorker worker, final NodeContext ctx, final HiRadixCache cache, final DecodeBatch decode,
        final WorkerStats stats, final Completions<TransferStatus> transfers, final int deviceRegion)
    {
        this.worker = worker;
        this.config = worker.config();
        this.ctx = ctx;
        this.cache = cache;
        this.decode = decode;
        this.stats = stats;
        this.transfers = transfers;
        this.deviceRegion = deviceRegion;
    }

    /** The segment a decode instance exposes its KV memory as, for prefill instances to write hand-offs into. */
    static String kvSegment(final NodeId decode)
    {
        return decode.name() + "/kv";
    }

    /** Prefill side: writes the prefilled KV to the request's decode instance, then hands the request over. */
    void send(final Job job)
    {
        final long bytes = config.cost().kvBytes(job.request.inputTokens());
        stats.handoffBytes += bytes;
        final NodeId target = job.decodeTarget;
        final TransferRequest write = TransferRequest.write(kvSegment(target), 0, deviceRegion, 0, bytes);
        ctx.transfer(TransferBatch.of(write), transfers.register(status ->
        {
            if (!status.ok())
            {
                stats.handoffFailures++;
            }
            worker.release(job);
            final RequestRecord partial = job.record(config.instance(), 0).withFirstToken(ctx.now());
            ctx.send(target, new KvHandoff(job.request, partial));
        }));
    }

    /** Decode side: a hand-off arrived; it waits for device memory. */
    void receive(final KvHandoff h)
    {
        final Job job = new Job(h.request(), null, ctx.now());
        job.handedOff = h.record();
        job.generated = 1;
        job.firstTokenNs = h.record().firstTokenNs();
        job.lastTokenNs = job.firstTokenNs;
        prealloc.add(job);
    }

    /** Decode side: moves waiting hand-offs into the running batch while memory and the batch cap allow. */
    void admit()
    {
        final int pageSize = config.cache().pageSize();
        while (!prealloc.isEmpty() && decode.size() < config.maxRunningRequests())
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
                worker.finishJob(job);
            }
            else
            {
                decode.add(job);
            }
        }
    }

    int waiting()
    {
        return prealloc.size();
    }
}
