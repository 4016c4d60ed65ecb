package dev.kvtier.model.store.client;

import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.StoreKey;

/**
 * A store client as a node of its own: it takes {@link StoreCommand}s from any sender, runs them through its
 * {@link StoreClient} and answers each with a {@link StoreCommandReply}. The live client library is a blocking
 * facade over this node, and simulator tests drive it with scripts, so both run the same protocol code.
 *
 * <p>With a segment and no commands it is Mooncake's store service ({@code mooncake_store_service}): it exposes
 * its segment so that peers' one-sided transfers land in it, mounts it, pings every second and remounts on
 * NEED_REMOUNT; {@code kvtier store} hosts it that way, and so do the simulator's store tests.
 */
public final class StoreClientNode implements Node
{
    private static final long PING_TIMER = 1;

    private final NodeId master;
    private final long clientId;
    private final Segment segment;
    private final MemoryRegion segmentMemory;
    private final Completions<TransferStatus> transfers = new Completions<>();
    private NodeContext ctx;
    private StoreClient client;
    private boolean stopped;
    private int mountResult = 1;

    /**
     * @param segment       memory this client contributes to the pool (Mooncake's {@code global_segment_size}),
     *                      or null for a pure client
     * @param segmentMemory the bytes behind {@code segment}, or null
     */
    public StoreClientNode(final NodeId master, final long clientId, final Segment segment,
        final MemoryRegion segmentMemory)
    {
        this.master = master;
        this.clientId = clientId;
        this.segment = segment;
        this.segmentMemory = segmentMemory;
    }

    /** The protocol state, for counters and tests; only touched on the node's thread. */
    public StoreClient client()
    {
        return client;
    }

    /** The master's answer to mounting the contributed segment: 1 while waiting, 0 when mounted, else a code. */
    public int mountResult()
    {
        return mountResult;
    }

    @Override
    public void onStart(final NodeContext ctx)
    {
        this.ctx = ctx;
        this.client = new StoreClient(ctx, master, clientId, segment, segmentMemory, transfers);
        client.start(code -> mountResult = code);
        ctx.schedule(StoreClient.PING_INTERVAL_NS, PING_TIMER);
    }

    @Override
    public void onMessage(final NodeId from, final Message message)
    {
        if (client.onMessage(message))
        {
            return;
        }
        if (message instanceof StoreCommand command)
        {
            execute(from, command);
        }
    }

    private void execute(final NodeId from, final StoreCommand command)
    {
        final long id = command.id();
        if (command instanceof StoreCommand.Register r)
        {
            reply(from, id, new long[] {ctx.register(r.region())});
        }
        else if (command instanceof StoreCommand.Put p)
        {
            client.batchPut(StoreKey.of(p.keys()), p.sources(), p.config(), p.single(), codes ->
            {
                final long[] out = new long[codes.length];
                for (int i = 0; i < codes.length; i++)
                {
                    out[i] = codes[i];
                }
                reply(from, id, out);
            });
        }
        else if (command instanceof StoreCommand.Get g)
        {
            client.batchGet(StoreKey.of(g.keys()), g.destinations(), g.single(), out -> reply(from, id, out));
        }
        else if (command instanceof StoreCommand.Exists e)
        {
            client.batchExists(StoreKey.of(e.keys()), out -> reply(from, id, out));
        }
        else if (command instanceof StoreCommand.IsExist e)
        {
            client.exists(StoreKey.of(e.key()), v -> reply(from, id, new long[] {v}));
        }
        else if (command instanceof StoreCommand.GetSize g)
        {
            client.size(StoreKey.of(g.key()), v -> reply(from, id, new long[] {v}));
        }
        else if (command instanceof StoreCommand.RemoveByRegex r)
        {
            client.removeByRegex(r.regex(), r.force(), n -> reply(from, id, new long[] {n}));
        }
        else if (command instanceof StoreCommand.Stop)
        {
            stopped = true;
            ctx.cancel(PING_TIMER);
            client.stop(code -> reply(from, id, new long[] {code}));
        }
        else if (command instanceof StoreCommand.Remove r)
        {
            client.remove(StoreKey.of(r.key()), r.force(), code -> reply(from, id, new long[] {code}));
        }
        else if (command instanceof StoreCommand.RemoveAll r)
        {
            client.removeAll(r.force(), n -> reply(from, id, new long[] {n}));
        }
    }

    private void reply(final NodeId to, final long id, final long[] values)
    {
        ctx.send(to, new StoreCommandReply(id, values));
    }

    @Override
    public void onTimer(final long timerId)
    {
        if (timerId == PING_TIMER && !stopped)
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
