package dev.kvtier.model.hicache;

import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.Result;
import dev.kvtier.model.store.Segment;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A Mooncake store client embedded in a node: RPCs to the master with their continuations, one-sided transfers to
 * the nodes that own replica segments, and the client's liveness duties (mount its own segment, ping every second,
 * remount when the master answers NEED_REMOUNT). The owning node forwards {@link MasterReply}s and transfer
 * completions here.
 */
public final class StoreClient
{
    /** Mooncake clients ping the master once a second; the master expires them after {@code client_ttl}. */
    public static final long PING_INTERVAL_NS = 1_000_000_000L;

    private final NodeContext ctx;
    private final NodeId master;
    private final long clientId;
    private final Segment segment;
    private final Map<String, NodeId> segmentOwners;
    private final Completions<MasterReply> rpcs = new Completions<>();
    private final Completions<Boolean> transfers;
    private long bytesRead;
    private long bytesWritten;
    private long remounts;

    /**
     * @param segment       the memory this client contributes, or null for a pure client
     * @param segmentOwners which node serves each segment name (the transfer engine's metadata lookup)
     * @param transfers     the node's transfer completions, shared with its other transfers
     */
    public StoreClient(final NodeContext ctx, final NodeId master, final long clientId, final Segment segment,
        final Map<String, NodeId> segmentOwners, final Completions<Boolean> transfers)
    {
        this.ctx = ctx;
        this.master = master;
        this.clientId = clientId;
        this.segment = segment;
        this.segmentOwners = segmentOwners;
        this.transfers = transfers;
    }

    public long clientId()
    {
        return clientId;
    }

    public long bytesRead()
    {
        return bytesRead;
    }

    public long bytesWritten()
    {
        return bytesWritten;
    }

    public long remounts()
    {
        return remounts;
    }

    /** Mounts the contributed segment, if any. */
    public void start()
    {
        if (segment != null)
        {
            call(id -> new MasterRequest.MountSegment(id, segment, clientId), r ->
            {
            });
        }
    }

    /** One liveness ping; the caller schedules the next one after {@link #PING_INTERVAL_NS}. */
    public void ping()
    {
        call(id -> new MasterRequest.Ping(id, clientId), reply ->
        {
            if (reply.value() == ClientStatus.NEED_REMOUNT && segment != null)
            {
                remounts++;
                call(id -> new MasterRequest.ReMountSegment(id, List.of(segment), clientId), r ->
                {
                });
            }
        });
    }

    /** Sends the request built for a fresh id; {@code onReply} runs when the master answers. */
    public void call(final LongFunction<MasterRequest> request, final Consumer<MasterReply> onReply)
    {
        final long id = rpcs.register(onReply);
        ctx.send(master, request.apply(id));
    }

    /** Routes a message to its continuation; false if it is not a reply this client is waiting for. */
    public boolean onMessage(final Message message)
    {
        return message instanceof MasterReply reply && rpcs.complete(reply.requestId(), reply);
    }

    /** Reads ({@code read}) or writes one replica's bytes; {@code onDone} gets success. */
    public void transfer(final ReplicaDescriptor replica, final boolean read, final Consumer<Boolean> onDone)
    {
        final NodeId owner = segmentOwners.get(replica.segmentName());
        if (owner == null)
        {
            onDone.accept(false);
            return;
        }
        if (read)
        {
            bytesRead += replica.size();
        }
        else
        {
            bytesWritten += replica.size();
        }
        ctx.transfer(owner, replica.size(), read, transfers.register(onDone));
    }

    /**
     * Moves many replicas at once as one transfer per owning node (the transfer engine batches slices per peer),
     * which keeps the number of concurrent flows to the number of peers. {@code onDone} runs once, with true only
     * if every transfer succeeded.
     */
    public void transferAll(final List<ReplicaDescriptor> replicas, final boolean read, final Consumer<Boolean> onDone)
    {
        final java.util.TreeMap<Integer, long[]> perOwner = new java.util.TreeMap<>();
        final Map<Integer, NodeId> owners = new java.util.HashMap<>();
        boolean unknown = false;
        for (final ReplicaDescriptor r : replicas)
        {
            final NodeId owner = segmentOwners.get(r.segmentName());
            if (owner == null)
            {
                unknown = true;
                continue;
            }
            owners.put(owner.index(), owner);
            perOwner.computeIfAbsent(owner.index(), k -> new long[1])[0] += r.size();
        }
        if (perOwner.isEmpty())
        {
            onDone.accept(!unknown);
            return;
        }
        final int[] left = {perOwner.size()};
        final boolean[] allOk = {!unknown};
        for (final Map.Entry<Integer, long[]> e : perOwner.entrySet())
        {
            final long bytes = e.getValue()[0];
            if (read)
            {
                bytesRead += bytes;
            }
            else
            {
                bytesWritten += bytes;
            }
            ctx.transfer(owners.get(e.getKey()), bytes, read, transfers.register(ok ->
            {
                allOk[0] &= ok;
                if (--left[0] == 0)
                {
                    onDone.accept(allOk[0]);
                }
            }));
        }
    }

    /** The first replica of a successful lookup, or null. */
    public static ReplicaDescriptor firstReplica(final Result<List<ReplicaDescriptor>> r)
    {
        return r.isOk() && r.value() != null && !r.value().isEmpty() ? r.value().get(0) : null;
    }
}
