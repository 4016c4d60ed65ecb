package dev.kvtier.model.store;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Mooncake master as a node: answers {@link MasterRequest}s from {@link MasterService} and drives its two
 * periodic jobs from timers, the eviction pass every 10 ms and the client monitor every second. The runtime
 * supplies time and randomness, so this one class is the master of both the simulator and the live process.
 *
 * <p>The eviction timer is parked while a pass could do nothing ({@link MasterService#evictionDue} false: usage
 * under the high watermark, no failed put, no discarded replica waiting): a request or a client expiry that makes a
 * pass due re-arms it at the next 10 ms boundary of the same grid, where the periodic timer would have run the
 * first pass that does something. A run takes the same passes at the same instants without an event for each idle
 * tick (in the conversation trace on mooncake-16, 31% of all events were idle ticks). One order can differ: a
 * request delivered at the very nanosecond of the re-armed pass, and sent before the request that re-armed it or
 * more than 10 ms before that instant, comes before the pass where the ticking timer's pass came first (a simulator
 * orders an instant's events by when they were scheduled). Upstream's eviction thread and its RPC threads have no
 * order at one instant either.
 */
public final class MasterNode implements Node
{
    private static final long EVICTION_TIMER = 1;
    private static final long CLIENT_MONITOR_TIMER = 2;
    private static final long NANOS_PER_MS = 1_000_000;
    private static final long EVICTION_PERIOD_NS = MasterConfig.EVICTION_PERIOD_MS * NANOS_PER_MS;

    private final MasterConfig config;
    private final MasterRpcCounters rpcCounters = new MasterRpcCounters();
    private Consumer<List<Segment>> onClientSegmentsDropped = segments ->
    {
    };
    private NodeContext ctx;
    private MasterService service;
    /** When the last eviction pass ran (or the node started): the origin of the 10 ms grid. */
    private long lastEvictionNs;
    private boolean evictionParked;

    public MasterNode(final MasterConfig config)
    {
        this.config = config;
    }

    /** The state machine, for introspection (admin endpoints, reports, tests). */
    public MasterService service()
    {
        return service;
    }

    @Override
    public void onStart(final NodeContext ctx)
    {
        this.ctx = ctx;
        this.service = new MasterService(config, ctx.random());
        lastEvictionNs = ctx.now();
        evictionParked = false;
        ctx.schedule(EVICTION_PERIOD_NS, EVICTION_TIMER);
        ctx.schedule(MasterConfig.CLIENT_MONITOR_PERIOD_MS * NANOS_PER_MS, CLIENT_MONITOR_TIMER);
    }

    @Override
    public void onTimer(final long timerId)
    {
        if (timerId == EVICTION_TIMER)
        {
            service.evict(nowMs());
            lastEvictionNs = ctx.now();
            if (service.evictionDue())
            {
                ctx.schedule(EVICTION_PERIOD_NS, EVICTION_TIMER);
            }
            else
            {
                evictionParked = true;
            }
        }
        else if (timerId == CLIENT_MONITOR_TIMER)
        {
            final List<Segment> dropped = new ArrayList<>();
            service.expireClients(nowMs(), dropped);
            if (!dropped.isEmpty())
            {
                onClientSegmentsDropped.accept(dropped);
            }
            ctx.schedule(MasterConfig.CLIENT_MONITOR_PERIOD_MS * NANOS_PER_MS, CLIENT_MONITOR_TIMER);
            wakeEvictionIfDue(false);
        }
    }

    /**
     * Re-arms a parked eviction timer once a pass is due, at the grid's first point from which the periodic timer
     * would have run that pass: after now for a request (the point's tick was scheduled 10 ms before it, before a
     * request delivered at that instant was sent), at or after now for the client monitor (scheduled a second
     * before, so it fired ahead of a tick at the same instant).
     */
    private void wakeEvictionIfDue(final boolean pointPassed)
    {
        if (evictionParked && service.evictionDue())
        {
            evictionParked = false;
            final long sinceLast = ctx.now() - lastEvictionNs;
            final boolean onPoint = sinceLast > 0 && sinceLast % EVICTION_PERIOD_NS == 0;
            final long periods = sinceLast / EVICTION_PERIOD_NS + (onPoint && !pointPassed ? 0 : 1);
            ctx.schedule(lastEvictionNs + periods * EVICTION_PERIOD_NS - ctx.now(), EVICTION_TIMER);
        }
    }

    @Override
    public void onMessage(final NodeId from, final Message message)
    {
        if (!(message instanceof MasterRequest request))
        {
            return;
        }
        ctx.send(from, handle(request, nowMs()));
        wakeEvictionIfDue(true);
    }

    /**
     * Tells {@code listener}, on the node's thread, which segments a client's TTL expiry unmounted — the hook for
     * {@code --enable_metadata_cleanup_on_timeout}, which also removes their transfer-engine descriptors.
     */
    public void onClientSegmentsDropped(final Consumer<List<Segment>> listener)
    {
        this.onClientSegmentsDropped = listener;
    }

    /** Per-RPC counts, named as upstream's metrics. */
    public MasterRpcCounters rpcCounters()
    {
        return rpcCounters;
    }

    /** Executes one request against the state machine at {@code nowMs}, counting it per RPC. */
    public MasterReply handle(final MasterRequest request, final long nowMs)
    {
        final long id = request.requestId();
        if (request instanceof MasterRequest.PutStart r)
        {
            return single("put_start", id, service.putStart(r.clientId(), r.key(), r.length(), r.config(), nowMs));
        }
        if (request instanceof MasterRequest.PutEnd r)
        {
            return single("put_end", id, service.putEnd(r.clientId(), r.key(), nowMs));
        }
        if (request instanceof MasterRequest.PutRevoke r)
        {
            return single("put_revoke", id, service.putRevoke(r.clientId(), r.key(), nowMs));
        }
        if (request instanceof MasterRequest.GetReplicaList r)
        {
            return single("get_replica_list", id, service.getReplicaList(r.key(), nowMs));
        }
        if (request instanceof MasterRequest.ExistKey r)
        {
            rpcCounters.recordSingle("exist_key", false);
            return new MasterReply(id, ErrorCode.OK, service.existKey(r.key(), nowMs, true));
        }
        if (request instanceof MasterRequest.GetSize r)
        {
            return single("get_size", id, service.getSize(r.key()));
        }
        if (request instanceof MasterRequest.BatchExistKey r)
        {
            rpcCounters.recordBatch("exist_key", r.keys().size(), 0);
            return new MasterReply(id, ErrorCode.OK, service.batchExistKey(r.keys(), nowMs));
        }
        if (request instanceof MasterRequest.BatchPutStart r)
        {
            return batch("put_start", id, service.batchPutStart(r.clientId(), r.keys(), r.lengths(), r.config(),
                nowMs));
        }
        if (request instanceof MasterRequest.BatchPutEnd r)
        {
            return batch("put_end", id, service.batchPutEnd(r.clientId(), r.keys(), nowMs));
        }
        if (request instanceof MasterRequest.BatchPutRevoke r)
        {
            return batch("put_revoke", id, service.batchPutRevoke(r.clientId(), r.keys(), nowMs));
        }
        if (request instanceof MasterRequest.BatchGetReplicaList r)
        {
            return batch("get_replica_list", id, service.batchGetReplicaList(r.keys(), nowMs));
        }
        if (request instanceof MasterRequest.BatchRemove r)
        {
            return batch("remove", id, service.batchRemove(r.keys(), r.force(), nowMs));
        }
        if (request instanceof MasterRequest.Remove r)
        {
            return single("remove", id, service.remove(r.key(), r.force(), nowMs));
        }
        if (request instanceof MasterRequest.RemoveByRegex r)
        {
            rpcCounters.recordSingle("remove_by_regex", false);
            return new MasterReply(id, ErrorCode.OK, service.removeByRegex(r.regex(), r.force(), nowMs));
        }
        if (request instanceof MasterRequest.RemoveAll r)
        {
            rpcCounters.recordSingle("remove_all", false);
            return new MasterReply(id, ErrorCode.OK, service.removeAll(r.force(), nowMs));
        }
        if (request instanceof MasterRequest.MountSegment r)
        {
            return single("mount_segment", id, service.mountSegment(r.segment(), r.clientId(), nowMs));
        }
        if (request instanceof MasterRequest.ReMountSegment r)
        {
            return single("remount_segment", id, service.remountSegments(r.segments(), r.clientId(), nowMs));
        }
        if (request instanceof MasterRequest.UnmountSegment r)
        {
            return single("unmount_segment", id, service.unmountSegment(r.segmentId(), r.clientId()));
        }
        final MasterRequest.Ping r = (MasterRequest.Ping)request;
        rpcCounters.recordSingle("ping", false);
        return new MasterReply(id, ErrorCode.OK, service.ping(r.clientId(), nowMs));
    }

    private MasterReply single(final String op, final long id, final Result<?> result)
    {
        rpcCounters.recordSingle(op, !result.isOk());
        return new MasterReply(id, result.error(), result.value());
    }

    private MasterReply batch(final String op, final long id, final List<? extends Result<?>> results)
    {
        int failed = 0;
        for (final Result<?> r : results)
        {
            if (!r.isOk())
            {
                failed++;
            }
        }
        rpcCounters.recordBatch(op, results.size(), failed);
        return new MasterReply(id, ErrorCode.OK, results);
    }

    private long nowMs()
    {
        return ctx.now() / NANOS_PER_MS;
    }
}
