package dev.kvtier.live.serving;

import dev.kvtier.model.network.FlowNetwork;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.model.transfer.TransferSlice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's L3 data plane made slower on purpose, for experiments on prefetch policies against a slow store
 * ({@code --storage-latency-ms}, {@code --storage-bandwidth}), with the simulator's link model, so that a replay
 * of the run models the same links ({@code nic.gbps} × the protocol's efficiency = the cap): the model's {@link
 * FlowNetwork} of this worker and its peers, each with an egress and an ingress link of the cap (full duplex),
 * concurrent transfers sharing a link max-min fairly, and transfers to this worker's own segment costed as local
 * copies ({@link FlowNetwork#LOCAL_COPY_BYTES_PER_NS}), as the simulator costs a node's transfers to itself. Every
 * batch submitted here is one flow per direction, as the simulator starts one flow per (peer, direction) of a
 * batch, and completes when both its bytes have moved on the real engine and its flows have ended in the model,
 * plus the added latency (a fault knob on every batch, the worker's own segment included: a slower store).
 *
 * <p>The peers are one node of the model: this worker's transfers all cross its own links, which are the ones a
 * flow of its own can be held by when every node has the same cap. Transfers the peers start into this worker's
 * segment are not seen here, so they do not take a share of its links (in the simulator they do).
 */
final class ThrottledTransferEngine implements TransferEngine
{
    private static final int SELF = 0;
    private static final int PEERS = 1;
    /** A link's rate when only latency is added: far beyond any real transfer. */
    private static final double UNCAPPED_BYTES_PER_NS = 1e6;

    private final TransferEngine engine;
    private final FlowNetwork links;
    private final long latencyNs;
    private final long originNs = System.nanoTime();
    private final Set<String> own = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "kvtier-storage-throttle");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, Batch> flows = new HashMap<>();
    private final List<Batch> ended = new ArrayList<>();
    /**
     * Flows that have ended in the model and whose latency is still running, each under its own token (a batch
     * with a read and a write flow is here twice, once per flow).
     */
    private final Map<Object, Batch> delayed = new ConcurrentHashMap<>();
    private long nextTag;
    private ScheduledFuture<?> wakeup;
    private long wakeupAtNs = Long.MAX_VALUE;

    /**
     * @param latencyMs      added to the end of every batch's flows
     * @param bytesPerSecond each link's rate, 0 for uncapped
     */
    ThrottledTransferEngine(final TransferEngine engine, final double latencyMs, final double bytesPerSecond)
    {
        this.engine = engine;
        final double rate = bytesPerSecond > 0 ? bytesPerSecond / 1e9 : UNCAPPED_BYTES_PER_NS;
        this.links = new FlowNetwork(new double[] {rate, rate}, new double[] {rate, rate},
            new double[] {FlowNetwork.LOCAL_COPY_BYTES_PER_NS, FlowNetwork.LOCAL_COPY_BYTES_PER_NS}, 0);
        this.latencyNs = (long)(latencyMs * 1e6);
    }

    @Override
    public String protocol()
    {
        return engine.protocol();
    }

    @Override
    public void register(final MemoryRegion region)
    {
        engine.register(region);
    }

    @Override
    public MemoryRegion allocateSegment(final long bytes)
    {
        return engine.allocateSegment(bytes);
    }

    @Override
    public SegmentEndpoint expose(final String segment, final MemoryRegion region, final long baseAddress)
    {
        final SegmentEndpoint endpoint = engine.expose(segment, region, baseAddress);
        own.add(endpoint.host() + ":" + endpoint.port());
        return endpoint;
    }

    @Override
    public void withdraw(final SegmentEndpoint endpoint)
    {
        engine.withdraw(endpoint);
    }

    @Override
    public void submit(final SegmentEndpoint peer, final List<TransferSlice> slices,
        final TransferCompletion completion)
    {
        long written = 0;
        long read = 0;
        for (final TransferSlice s : slices)
        {
            if (s.write())
            {
                written += s.length();
            }
            else
            {
                read += s.length();
            }
        }
        final boolean local = own.contains(peer.host() + ":" + peer.port());
        final Batch batch = new Batch(completion, 1 + (written > 0 ? 1 : 0) + (read > 0 ? 1 : 0));
        synchronized (this)
        {
            final long now = nowNs();
            links.advanceTo(now, this::flowEnded);
            if (written > 0)
            {
                start(SELF, local ? SELF : PEERS, written, now, batch);
            }
            if (read > 0)
            {
                start(local ? SELF : PEERS, SELF, read, now, batch);
            }
            arm(now);
        }
        endFlows();
        engine.submit(peer, slices, batch::part);
    }

    private void start(final int src, final int dst, final long bytes, final long now, final Batch batch)
    {
        final long tag = nextTag++;
        flows.put(tag, batch);
        links.start(src, dst, bytes, now, tag);
    }

    /** Called by the model under this object's lock: the flow's batch is ended outside it. */
    private void flowEnded(final long tag, final long bytes)
    {
        final Batch b = flows.remove(tag);
        ended.add(b);
    }

    /** Ends the parts of the batches whose flows the model ended, after the added latency; outside the lock. */
    private void endFlows()
    {
        final List<Batch> batches;
        synchronized (this)
        {
            if (ended.isEmpty())
            {
                return;
            }
            batches = new ArrayList<>(ended);
            ended.clear();
        }
        for (final Batch b : batches)
        {
            if (latencyNs <= 0)
            {
                b.part(TransferStatus.OK);
            }
            else
            {
                final Object flow = new Object();
                delayed.put(flow, b);
                if (schedule(() -> endDelayed(flow, TransferStatus.OK), latencyNs) == null)
                {
                    endDelayed(flow, TransferStatus.PEER_DEAD);
                }
            }
        }
    }

    /** Sets the timer to the model's next flow end (called under the lock). */
    private void arm(final long now)
    {
        final long next = links.nextCompletionNs();
        if (next == wakeupAtNs)
        {
            return;
        }
        if (wakeup != null)
        {
            wakeup.cancel(false);
            wakeup = null;
        }
        wakeupAtNs = next;
        if (next != Long.MAX_VALUE)
        {
            wakeup = schedule(this::tick, Math.max(0, next - now));
        }
    }

    private void tick()
    {
        synchronized (this)
        {
            final long now = nowNs();
            wakeupAtNs = Long.MAX_VALUE;
            wakeup = null;
            links.advanceTo(now, this::flowEnded);
            arm(now);
        }
        endFlows();
    }

    private ScheduledFuture<?> schedule(final Runnable task, final long delayNs)
    {
        try
        {
            return timer.schedule(task, delayNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException e)
        {
            // closed: the engine's own close ends what was in flight
            return null;
        }
    }

    private long nowNs()
    {
        return System.nanoTime() - originNs;
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        final List<Batch> open;
        synchronized (this)
        {
            open = new ArrayList<>(flows.values());
            flows.clear();
        }
        // what the model still held ends with the runtime, as the engine ends its transfers in flight
        for (final Batch b : open)
        {
            b.part(TransferStatus.PEER_DEAD);
        }
        for (final Object flow : delayed.keySet())
        {
            endDelayed(flow, TransferStatus.PEER_DEAD);
        }
        engine.close();
    }

    /** Ends one delayed flow's part of its batch, once: by its timer, or by close if that comes first. */
    private void endDelayed(final Object flow, final TransferStatus status)
    {
        final Batch b = delayed.remove(flow);
        if (b != null)
        {
            b.part(status);
        }
    }

    /** A submitted batch: ends once its real transfer and every modelled flow have, with the real one's status. */
    private static final class Batch
    {
        private final TransferCompletion completion;
        private final AtomicInteger parts;
        private volatile TransferStatus status = TransferStatus.OK;

        Batch(final TransferCompletion completion, final int parts)
        {
            this.completion = completion;
            this.parts = new AtomicInteger(parts);
        }

        void part(final TransferStatus s)
        {
            if (!s.ok())
            {
                status = s;
            }
            if (parts.decrementAndGet() == 0)
            {
                completion.completed(status);
            }
        }
    }
}
