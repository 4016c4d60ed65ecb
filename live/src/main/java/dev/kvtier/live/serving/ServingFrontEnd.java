package dev.kvtier.live.serving;

import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.model.engine.Dispatch;
import dev.kvtier.model.engine.FlushCache;
import dev.kvtier.model.engine.FlushCacheReply;
import dev.kvtier.model.engine.InferenceRequest;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.engine.TokenProgress;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.TokenPageChains;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.tokens.SyntheticOutput;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceOutcome;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;

/**
 * Where HTTP requests become worker messages and the worker's messages become answers. It plays the router's
 * part for the worker it fronts ({@link #ADDRESS} is the worker's router): a request is tokenized, its page chain
 * hashed, and a {@link Dispatch} delivered into the worker's ring; the worker's {@link TokenProgress},
 * {@link RequestRecord} and {@link FlushCacheReply} messages come back here on the node's thread and are queued for
 * the exchange's thread. It decides nothing about serving: admission, caching and prefetch are the worker's.
 */
final class ServingFrontEnd implements BiConsumer<NodeId, Message>
{
    /** The address the worker sends its router messages to. */
    static final NodeId ADDRESS = new NodeId(LiveRuntime.REMOTE_BASE + 2, "front-end");

    private final Map<Long, Generation> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<FlushCacheReply>> flushes = new ConcurrentHashMap<>();
    /** Recorded requests' output page keys, from arrival until their outcome is recorded. */
    private final Map<Long, String[]> recordedOutputKeys = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1);
    private final TokenPageChains chains;
    private volatile NodeRunner worker;
    private volatile RecordingWriter recorder;
    /** Finished requests' prompt tokens, output tokens, cached tokens by tier (device, host, storage), count. */
    private final AtomicLongArray totals = new AtomicLongArray(6);

    private final int pageSize;

    ServingFrontEnd(final int pageSize)
    {
        this.chains = new TokenPageChains(pageSize);
        this.pageSize = pageSize;
    }

    /** Records every request's arrival and outcome from now on ({@code kvtier server --trace-dir}). */
    void record(final RecordingWriter traceRecorder)
    {
        this.recorder = traceRecorder;
    }

    void worker(final NodeRunner runner)
    {
        this.worker = runner;
    }

    /**
     * Starts a generation of at most {@code maxNewTokens} tokens for {@code prompt}, stopping early at the first of
     * {@code stops} the output contains.
     */
    Generation submit(final String rid, final int[] prompt, final int maxNewTokens, final List<String> stops)
    {
        final int[] full = SyntheticOutput.tokens(prompt, Math.max(1, maxNewTokens));
        final SyntheticOutput.Stop stop = SyntheticOutput.stopAt(full, stops);
        final int n = stop.tokens();
        final String matched = stop.matched();
        final int[] output = java.util.Arrays.copyOf(full, n);
        // the worker caches what it holds KV for when the request ends, so the conversation's next turn finds it
        final PageChain chain;
        final PageChain finished;
        final String[] outputKeys;
        synchronized (chains)
        {
            finished = chains.finished(prompt, output, n);
            chain = finished.prefix(prompt.length / pageSize);
            outputKeys = chains.outputKeys(finished, prompt.length);
        }
        final long id = ids.getAndIncrement();
        final NodeRunner w = worker;
        final Generation g = new Generation(id, rid, prompt, output, matched, w.now());
        inFlight.put(id, g);
        final RecordingWriter rec = recorder;
        if (rec != null)
        {
            final String[] keys = new String[chain.length()];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = chain.key(i);
            }
            recordedOutputKeys.put(id, outputKeys);
            rec.offer(new TraceArrival(id, g.arrivalNs(), prompt.length, n, pageSize, null, keys,
                TraceArrival.UNKNOWN, TraceArrival.UNKNOWN));
        }
        w.deliver(ADDRESS, new Dispatch(new InferenceRequest(id, g.arrivalNs(), prompt.length, n, chain, finished),
            null), 0);
        return g;
    }

    /** The request no longer has a client (it went away): stop tracking it; the worker still finishes it. */
    void abandon(final Generation g)
    {
        inFlight.remove(g.id());
    }

    int inFlight()
    {
        return inFlight.size();
    }

    /** Totals over finished requests: prompt, output, cached on device, host, storage, requests. */
    long total(final int which)
    {
        return totals.get(which);
    }

    /** Asks the worker to drop L1 and L2, retrying while it is busy, for at most {@code timeoutMs}. */
    FlushCacheReply flush(final long timeoutMs) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long id = ids.getAndIncrement();
            final CompletableFuture<FlushCacheReply> f = new CompletableFuture<>();
            flushes.put(id, f);
            worker.deliver(ADDRESS, new FlushCache(id), 0);
            final FlushCacheReply reply = f.get(timeoutMs, TimeUnit.MILLISECONDS);
            if (reply.flushed() || System.nanoTime() > deadline)
            {
                return reply;
            }
            // the worker is draining work that pins pages: ask again shortly, as a client retrying would
            Thread.sleep(10);
        }
    }

    @Override
    public void accept(final NodeId to, final Message message)
    {
        if (message instanceof TokenProgress p)
        {
            final Generation g = inFlight.get(p.requestId());
            if (g != null)
            {
                g.progress(p.generated());
            }
        }
        else if (message instanceof RequestRecord r)
        {
            totals.addAndGet(0, r.inputTokens());
            totals.addAndGet(1, r.outputTokens());
            totals.addAndGet(2, r.deviceHitTokens());
            totals.addAndGet(3, r.hostHitTokens());
            totals.addAndGet(4, r.storageHitTokens());
            totals.incrementAndGet(5);
            final RecordingWriter rec = recorder;
            final String[] outputKeys = recordedOutputKeys.remove(r.id());
            if (rec != null)
            {
                final TraceOutcome o = TraceOutcome.of(r, pageSize);
                rec.offer(outputKeys == null || r.aborted() ? o : o.withOutputKeys(outputKeys));
            }
            final Generation g = inFlight.remove(r.id());
            if (g != null)
            {
                g.finish(r);
            }
        }
        else if (message instanceof FlushCacheReply f)
        {
            final CompletableFuture<FlushCacheReply> waiting = flushes.remove(f.id());
            if (waiting != null)
            {
                waiting.complete(f);
            }
        }
    }
}
