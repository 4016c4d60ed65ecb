package dev.kvtier.model.store.service;

import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.StoreClient;

/**
 * Mooncake's store service ({@code mooncake_store_service}): a process whose only job is to contribute memory.
 * It exposes its segment so peers' one-sided transfers land in it, mounts it with the master, pings every second
 * and remounts when the master answers NEED_REMOUNT (after a master restart or a TTL expiry). Serving the bytes
 * is the runtime's transport; this node owns the liveness protocol, which it shares with every client through
 * {@link StoreClient}.
 */
public final class StoreServiceNode implements Node
{
    private static final long PING_TIMER = 1;

    private final NodeId master;
    private final long clientId;
    private final Segment segment;
    private final MemoryRegion memory;
    private final Completions<TransferStatus> transfers = new Completions<>();
    private NodeContext ctx;
    private StoreClient client;
    private int mountResult = 1;

    public StoreServiceNode(final NodeId master, final long clientId, final Segment segment,
        final MemoryRegion memory)
    {
        if (segment.size() > memory.length())
        {
            throw new IllegalArgumentException("segment " + segment.name() + " is " + segment.size()
                + " bytes but its memory only " + memory.length());
        }
        this.master = master;
        this.clientId = clientId;
        this.segment = segment;
        this.memory = memory;
    }

    public Segment segment()
    {
        return segment;
    }

    /** The master's answer to the first mount: 1 while waiting, 0 when mounted, else a negative code. */
    public int mountResult()
    {
        return mountResult;
    }

    /** The liveness protocol's counters (remounts, RPC timeouts). */
    public StoreClient client()
    {
        return client;
    }

    @Override
    public void onStart(final NodeContext ctx)
    {
        this.ctx = ctx;
        client = new StoreClient(ctx, master, clientId, segment, memory, transfers);
        client.start(code -> mountResult = code);
        ctx.schedule(StoreClient.PING_INTERVAL_NS, PING_TIMER);
    }

    @Override
    public void onMessage(final NodeId from, final Message message)
    {
        client.onMessage(message);
    }

    @Override
    public void onTimer(final long timerId)
    {
        if (timerId == PING_TIMER)
        {
            client.ping();
            ctx.schedule(StoreClient.PING_INTERVAL_NS, PING_TIMER);
        }
    }

    @Override
    public void onTransferDone(final long tag, final TransferStatus status)
    {
        transfers.complete(tag, status);
    }
}
