package dev.kvtier.model.store.client;

import dev.kvtier.model.node.Completions;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Result;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.StoreKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongFunction;

/**
 * The Mooncake store client, once for both runtimes: RPCs to the master with their continuations, the put
 * protocol (PutStart, one write per replica, PutEnd, PutRevoke for every value whose write failed), the get
 * protocol (replica list, replicas read in order with fallback to the next), and the client's liveness duties
 * (expose and mount its own segment, ping, remount when the master answers NEED_REMOUNT). It lives inside a node
 * (a serving worker, a store service, the blocking client library's hosted node), runs on that node's thread,
 * and never blocks: every operation ends in a callback. The node forwards its messages ({@link #onMessage}) and
 * its transfer completions (the shared {@link Completions} table) here.
 *
 * <p>Results follow the upstream client API: per value, 0 (put) or the bytes read (get), else a negative
 * {@link ErrorCode}. A transfer to a dead or hung peer is {@code TRANSFER_FAIL}, a refused range
 * {@code INVALID_WRITE}/{@code INVALID_READ}; a master that does not answer within {@link #RPC_TIMEOUT_NS}
 * is {@code RPC_TIMEOUT}.
 */
public final class StoreClient
{
    /** Mooncake clients ping the master once a second; the master expires them after {@code client_ttl}. */
    public static final long PING_INTERVAL_NS = 1_000_000_000L;
    /** How long a master RPC may stay unanswered before it fails (checked at every ping). */
    public static final long RPC_TIMEOUT_NS = 5_000_000_000L;

    private final NodeContext ctx;
    private final NodeId master;
    private final long clientId;
    private final Segment segment;
    private final MemoryRegion segmentMemory;
    private final Completions<MasterReply> rpcs = new Completions<>();
    private final Completions<TransferStatus> transfers;
    private final ArrayDeque<long[]> rpcDeadlines = new ArrayDeque<>();
    private final StoreClientCounters counters = new StoreClientCounters();

    /**
     * @param segment       the memory this client contributes, or null for a pure client
     * @param segmentMemory the bytes behind {@code segment} (virtual in the serving simulator), or null
     * @param transfers     the node's transfer completions, shared with its other transfers
     */
    public StoreClient(final NodeContext ctx, final NodeId master, final long clientId, final Segment segment,
        final MemoryRegion segmentMemory, final Completions<TransferStatus> transfers)
    {
        if ((segment == null) != (segmentMemory == null))
        {
            throw new IllegalArgumentException("a contributed segment needs its memory, and memory its segment");
        }
        this.ctx = ctx;
        this.master = master;
        this.clientId = clientId;
        this.segment = segment;
        this.segmentMemory = segmentMemory;
        this.transfers = transfers;
    }

    public long clientId()
    {
        return clientId;
    }

    public StoreClientCounters counters()
    {
        return counters;
    }

    /** The segment this client contributes, or null. */
    public Segment segment()
    {
        return segment;
    }

    /**
     * Exposes and mounts the contributed segment, if any, then pings at once as the reference client's heartbeat
     * does (a fresh mount answers NEED_REMOUNT, and the remount puts the client in the master's live set).
     * {@code onReady} gets 0 once that first round is answered, or the mount's negative code.
     */
    public void start(final IntConsumer onReady)
    {
        if (segment == null)
        {
            onReady.accept(ErrorCode.OK.code());
            return;
        }
        final int region = ctx.register(segmentMemory);
        ctx.expose(segment.name(), region, segment.base());
        call(id -> new MasterRequest.MountSegment(id, segment, clientId), r ->
        {
            if (r.error() != ErrorCode.OK)
            {
                onReady.accept(r.error().code());
                return;
            }
            ping(onReady);
        });
    }

    /** Exposes and mounts the contributed segment, if any, and pings once. */
    public void start()
    {
        start(code ->
        {
        });
    }

    /** One liveness ping; see {@link #ping(IntConsumer)}. */
    public void ping()
    {
        ping(code ->
        {
        });
    }

    /**
     * One liveness ping (the caller schedules the next one after {@link #PING_INTERVAL_NS}); remounts the segment
     * when the master answers NEED_REMOUNT (it restarted, or expired this client), and fails RPCs unanswered for
     * longer than {@link #RPC_TIMEOUT_NS}.
     */
    public void ping(final IntConsumer onDone)
    {
        expireOverdue();
        call(id -> new MasterRequest.Ping(id, clientId), reply ->
        {
            if (reply.error() == ErrorCode.OK && reply.value() == ClientStatus.NEED_REMOUNT && segment != null)
            {
                counters.remounts++;
                call(id -> new MasterRequest.ReMountSegment(id, List.of(segment), clientId),
                    r -> onDone.accept(r.error().code()));
                return;
            }
            onDone.accept(reply.error().code());
        });
    }

    /** Sends the request built for a fresh id; {@code onReply} runs when the master answers (or the call times out). */
    public void call(final LongFunction<MasterRequest> request, final Consumer<MasterReply> onReply)
    {
        final long id = rpcs.register(onReply);
        rpcDeadlines.add(new long[] {id, ctx.now() + RPC_TIMEOUT_NS});
        ctx.send(master, request.apply(id));
    }

    private void expireOverdue()
    {
        final long now = ctx.now();
        while (!rpcDeadlines.isEmpty() && rpcDeadlines.peek()[1] <= now)
        {
            final long id = rpcDeadlines.poll()[0];
            if (rpcs.complete(id, new MasterReply(id, ErrorCode.RPC_TIMEOUT, null)))
            {
                counters.rpcTimeouts++;
            }
        }
        // answered calls leave their deadline behind; drop them from the head so the queue stays short
        while (!rpcDeadlines.isEmpty() && !rpcs.pending(rpcDeadlines.peek()[0]))
        {
            rpcDeadlines.poll();
        }
    }

    /** Routes a message to its continuation; false if it is not a reply this client is waiting for. */
    public boolean onMessage(final Message message)
    {
        return message instanceof MasterReply reply && rpcs.complete(reply.requestId(), reply);
    }

    // ---- exists ---------------------------------------------------------------------------------------------

    /**
     * Which of {@code keys} the store has (a complete replica): per key 1 or 0, or every key the negative code of a
     * failed call. Grants no read lease, as upstream's {@code batch_is_exist}.
     */
    public void batchExists(final List<StoreKey> keys, final Consumer<long[]> onDone)
    {
        call(id -> new MasterRequest.BatchExistKey(id, keys), reply ->
        {
            final long[] out = new long[keys.size()];
            if (reply.error() != ErrorCode.OK)
            {
                counters.rpcFailures++;
                Arrays.fill(out, reply.error().code());
                onDone.accept(out);
                return;
            }
            @SuppressWarnings("unchecked")
            final List<Boolean> exists = (List<Boolean>)reply.value();
            for (int i = 0; i < out.length; i++)
            {
                out[i] = exists.get(i) ? 1 : 0;
            }
            onDone.accept(out);
        });
    }

    /** 1 if {@code key} has a complete replica (granting a read lease, as upstream's is_exist), 0, or a code. */
    public void exists(final StoreKey key, final java.util.function.LongConsumer onDone)
    {
        call(id -> new MasterRequest.ExistKey(id, key), reply -> onDone.accept(reply.error() != ErrorCode.OK
            ? reply.error().code() : Boolean.TRUE.equals(reply.value()) ? 1 : 0));
    }

    /** The object's size in bytes, or a negative code. */
    public void size(final StoreKey key, final java.util.function.LongConsumer onDone)
    {
        call(id -> new MasterRequest.GetSize(id, key), reply -> onDone.accept(count(reply)));
    }

    // ---- put ------------------------------------------------------------------------------------------------

    /**
     * Stores each {@code keys[i]} from {@code sources[i]}: PutStart for the batch, the value written to every
     * replica the master placed (one transfer batch per segment), then PutEnd for the values whose every replica
     * was written and PutRevoke for the others, so a failed put leaves neither a readable half-written object nor
     * reserved space behind. {@code onDone} gets 0 or a negative code per key.
     */
    public void batchPut(final List<StoreKey> keys, final List<LocalSlice> sources, final ReplicateConfig config,
        final Consumer<int[]> onDone)
    {
        batchPut(keys, sources, config, false, onDone);
    }

    /**
     * As {@link #batchPut(List, List, ReplicateConfig, Consumer)}; with {@code single} a one-key put uses the
     * single-key RPCs (PutStart, PutEnd, PutRevoke), as upstream's {@code put} does where {@code batch_put} uses
     * the batch ones, so the master's per-RPC counters read the same.
     */
    public void batchPut(final List<StoreKey> keys, final List<LocalSlice> sources, final ReplicateConfig config,
        final boolean single, final Consumer<int[]> onDone)
    {
        final boolean one = single && keys.size() == 1;
        final int n = keys.size();
        final int[] codes = new int[n];
        final List<Long> lengths = new ArrayList<>(n);
        Long last = null;
        for (final LocalSlice s : sources)
        {
            // pages share one size: one boxed length for the whole batch, not one per page
            if (last == null || last != s.length())
            {
                last = s.length();
            }
            lengths.add(last);
        }
        final LongFunction<MasterRequest> start = id -> one
            ? new MasterRequest.PutStart(id, clientId, keys.get(0), lengths.get(0), config)
            : new MasterRequest.BatchPutStart(id, clientId, keys, lengths, config);
        call(start, answer ->
        {
            final MasterReply reply = one ? asBatch(answer) : answer;
            if (reply.error() != ErrorCode.OK)
            {
                counters.rpcFailures++;
                Arrays.fill(codes, reply.error().code());
                onDone.accept(codes);
                return;
            }
            @SuppressWarnings("unchecked")
            final List<Result<List<ReplicaDescriptor>>> placed = (List<Result<List<ReplicaDescriptor>>>)reply.value();
            final ReplicaBatches plan = new ReplicaBatches();
            final boolean[] started = new boolean[n];
            for (int i = 0; i < n; i++)
            {
                final Result<List<ReplicaDescriptor>> r = placed.get(i);
                if (!r.isOk())
                {
                    codes[i] = r.error().code();
                    continue;
                }
                started[i] = true;
                for (final ReplicaDescriptor d : r.value())
                {
                    plan.add(i, d, sources.get(i), true);
                }
            }
            plan.seal();
            if (plan.isEmpty())
            {
                finishPut(keys, codes, started, one, onDone);
                return;
            }
            runBatches(plan, true, codes, () -> finishPut(keys, codes, started, one, onDone));
        });
    }

    private void finishPut(final List<StoreKey> keys, final int[] codes, final boolean[] started,
        final boolean one, final Consumer<int[]> onDone)
    {
        final List<StoreKey> written = new ArrayList<>();
        final List<StoreKey> failed = new ArrayList<>();
        final int[] writtenAt = new int[keys.size()];
        final int[] failedAt = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++)
        {
            if (!started[i])
            {
                continue;
            }
            if (codes[i] == 0)
            {
                writtenAt[written.size()] = i;
                written.add(keys.get(i));
            }
            else
            {
                failedAt[failed.size()] = i;
                failed.add(keys.get(i));
            }
        }
        final int[] left = {(written.isEmpty() ? 0 : 1) + (failed.isEmpty() ? 0 : 1)};
        if (left[0] == 0)
        {
            onDone.accept(codes);
            return;
        }
        if (!written.isEmpty())
        {
            final LongFunction<MasterRequest> end = id -> one ? new MasterRequest.PutEnd(id, clientId, written.get(0))
                : new MasterRequest.BatchPutEnd(id, clientId, written);
            call(end, answer ->
            {
                final MasterReply reply = one ? asBatch(answer) : answer;
                applyBatchCodes(reply, writtenAt, written.size(), codes);
                counters.putsSealed += countOk(writtenAt, written.size(), codes);
                if (--left[0] == 0)
                {
                    onDone.accept(codes);
                }
            });
        }
        if (!failed.isEmpty())
        {
            counters.putsRevoked += failed.size();
            final LongFunction<MasterRequest> revoke = id -> one
                ? new MasterRequest.PutRevoke(id, clientId, failed.get(0))
                : new MasterRequest.BatchPutRevoke(id, clientId, failed);
            call(revoke, reply ->
            {
                if (reply.error() != ErrorCode.OK)
                {
                    counters.rpcFailures++;
                }
                if (--left[0] == 0)
                {
                    onDone.accept(codes);
                }
            });
        }
    }

    private void applyBatchCodes(final MasterReply reply, final int[] at, final int n, final int[] codes)
    {
        if (reply.error() != ErrorCode.OK)
        {
            counters.rpcFailures++;
            for (int k = 0; k < n; k++)
            {
                codes[at[k]] = reply.error().code();
            }
            return;
        }
        @SuppressWarnings("unchecked")
        final List<Result<?>> results = (List<Result<?>>)reply.value();
        for (int k = 0; k < n; k++)
        {
            if (!results.get(k).isOk())
            {
                codes[at[k]] = results.get(k).error().code();
            }
        }
    }

    private static int countOk(final int[] at, final int n, final int[] codes)
    {
        int ok = 0;
        for (int k = 0; k < n; k++)
        {
            if (codes[at[k]] == 0)
            {
                ok++;
            }
        }
        return ok;
    }

    // ---- get ------------------------------------------------------------------------------------------------

    /** Asks the master where {@code keys} are: per key a replica list or an error. */
    public void batchQuery(final List<StoreKey> keys,
        final Consumer<List<Result<List<ReplicaDescriptor>>>> onDone)
    {
        batchQuery(keys, false, onDone);
    }

    /** As {@link #batchQuery(List, Consumer)}; with {@code single} one key asks GetReplicaList, as upstream's get. */
    public void batchQuery(final List<StoreKey> keys, final boolean single,
        final Consumer<List<Result<List<ReplicaDescriptor>>>> onDone)
    {
        final boolean one = single && keys.size() == 1;
        final LongFunction<MasterRequest> query = id -> one ? new MasterRequest.GetReplicaList(id, keys.get(0))
            : new MasterRequest.BatchGetReplicaList(id, keys);
        call(query, answer ->
        {
            final MasterReply reply = one ? asBatch(answer) : answer;
            if (reply.error() != ErrorCode.OK)
            {
                counters.rpcFailures++;
                final List<Result<List<ReplicaDescriptor>>> failed = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++)
                {
                    failed.add(Result.fail(reply.error()));
                }
                onDone.accept(failed);
                return;
            }
            @SuppressWarnings("unchecked")
            final List<Result<List<ReplicaDescriptor>>> lookups = (List<Result<List<ReplicaDescriptor>>>)reply.value();
            onDone.accept(lookups);
        });
    }

    /** {@link #batchQuery} then {@link #batchRead}: per key the bytes read or a negative code. */
    public void batchGet(final List<StoreKey> keys, final List<LocalSlice> destinations, final Consumer<long[]> onDone)
    {
        batchGet(keys, destinations, false, onDone);
    }

    /** As {@link #batchGet(List, List, Consumer)}, with single-key RPCs for one key if {@code single}. */
    public void batchGet(final List<StoreKey> keys, final List<LocalSlice> destinations, final boolean single,
        final Consumer<long[]> onDone)
    {
        batchQuery(keys, single, lookups ->
        {
            final long[] out = new long[keys.size()];
            final List<List<ReplicaDescriptor>> replicas = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++)
            {
                // the master answers a key without complete replicas with an error, never with an empty list
                final Result<List<ReplicaDescriptor>> r = lookups.get(i);
                replicas.add(r.isOk() ? r.value() : List.of());
                out[i] = r.isOk() ? 0 : r.error().code();
            }
            batchRead(replicas, destinations, out, onDone);
        });
    }

    /**
     * Reads value {@code i} from {@code replicas[i]} into {@code destinations[i]}: first replicas first (one
     * transfer batch per segment), then, for every value whose read failed, its next replica, until one succeeds
     * or none is left. Values with an empty replica list are skipped with the code already in {@code out}.
     * {@code onDone} gets {@code out}: the bytes read, or a negative code.
     */
    public void batchRead(final List<List<ReplicaDescriptor>> replicas, final List<LocalSlice> destinations,
        final long[] out, final Consumer<long[]> onDone)
    {
        final int[] attempt = new int[replicas.size()];
        readRound(replicas, destinations, attempt, out, onDone);
    }

    private void readRound(final List<List<ReplicaDescriptor>> replicas, final List<LocalSlice> destinations,
        final int[] attempt, final long[] out, final Consumer<long[]> onDone)
    {
        final ReplicaBatches plan = new ReplicaBatches();
        final int[] codes = new int[replicas.size()];
        for (int i = 0; i < replicas.size(); i++)
        {
            final List<ReplicaDescriptor> list = replicas.get(i);
            if (attempt[i] >= list.size())
            {
                continue;
            }
            final ReplicaDescriptor d = list.get(attempt[i]);
            if (d.size() > destinations.get(i).length())
            {
                out[i] = ErrorCode.BUFFER_OVERFLOW.code();
                attempt[i] = list.size();
                continue;
            }
            plan.add(i, d, destinations.get(i), false);
        }
        plan.seal();
        if (plan.isEmpty())
        {
            onDone.accept(out);
            return;
        }
        runBatches(plan, false, codes, () ->
        {
            boolean retry = false;
            for (int b = 0; b < plan.count; b++)
            {
                for (final int i : plan.owners[b])
                {
                    final ReplicaDescriptor d = replicas.get(i).get(attempt[i]);
                    if (codes[i] == 0)
                    {
                        out[i] = d.size();
                        attempt[i] = replicas.get(i).size();
                    }
                    else
                    {
                        out[i] = codes[i];
                        codes[i] = 0;
                        attempt[i]++;
                        if (attempt[i] < replicas.get(i).size())
                        {
                            counters.readFallbacks++;
                            retry = true;
                        }
                    }
                }
            }
            if (retry)
            {
                readRound(replicas, destinations, attempt, out, onDone);
            }
            else
            {
                onDone.accept(out);
            }
        });
    }

    // ---- remove and size --------------------------------------------------------------------------------------

    /** Removes one key; {@code onDone} gets 0 or a negative code (-706 while leased, unless forced). */
    public void remove(final StoreKey key, final boolean force, final IntConsumer onDone)
    {
        call(id -> new MasterRequest.Remove(id, key, force), reply -> onDone.accept(reply.error().code()));
    }

    /** Removes every object (leased ones only if forced); {@code onDone} gets the count or a negative code. */
    public void removeAll(final boolean force, final java.util.function.LongConsumer onDone)
    {
        call(id -> new MasterRequest.RemoveAll(id, force), reply -> onDone.accept(count(reply)));
    }

    /** Removes the keys matching {@code regex}; {@code onDone} gets the count or a negative code. */
    public void removeByRegex(final String regex, final boolean force, final java.util.function.LongConsumer onDone)
    {
        call(id -> new MasterRequest.RemoveByRegex(id, regex, force), reply -> onDone.accept(count(reply)));
    }

    /**
     * Unmounts the contributed segment, as a clean shutdown does, so the master drops its replicas at once instead
     * of after the client's TTL; 0 or a negative code (0 for a pure client).
     */
    public void stop(final IntConsumer onDone)
    {
        if (segment == null)
        {
            onDone.accept(0);
            return;
        }
        call(id -> new MasterRequest.UnmountSegment(id, segment.id(), clientId), r -> onDone.accept(r.error().code()));
    }

    /** A single-key reply in the shape of a one-key batch reply: the key's result in a list. */
    private static MasterReply asBatch(final MasterReply single)
    {
        final Result<Object> r = single.error() == ErrorCode.OK ? Result.ok(single.value())
            : Result.fail(single.error());
        return new MasterReply(single.requestId(), ErrorCode.OK, List.of(r));
    }

    private static long count(final MasterReply reply)
    {
        return reply.error() == ErrorCode.OK ? ((Number)reply.value()).longValue() : reply.error().code();
    }

    // ---- transfers ------------------------------------------------------------------------------------------

    /**
     * Starts every batch of {@code plan}; a value's code becomes the error of the first of its slices that failed.
     * {@code then} runs once every batch has ended.
     */
    private void runBatches(final ReplicaBatches plan, final boolean write, final int[] codes, final Runnable then)
    {
        final int[] left = {plan.count};
        for (int b = 0; b < plan.count; b++)
        {
            final int[] owners = plan.owners[b];
            final long bytes = plan.batches[b].bytes();
            if (write)
            {
                counters.bytesWritten += bytes;
            }
            else
            {
                counters.bytesRead += bytes;
            }
            ctx.transfer(plan.batches[b], transfers.register(status ->
            {
                if (!status.ok())
                {
                    counters.transferFailures++;
                    final int code = code(status, write);
                    for (final int i : owners)
                    {
                        if (codes[i] == 0)
                        {
                            codes[i] = code;
                        }
                    }
                }
                if (--left[0] == 0)
                {
                    then.run();
                }
            }));
        }
    }

    /** The client API's code for a failed transfer: a refused range is a bad read/write, anything else -800. */
    static int code(final TransferStatus status, final boolean write)
    {
        if (status == TransferStatus.OUT_OF_RANGE)
        {
            return (write ? ErrorCode.INVALID_WRITE : ErrorCode.INVALID_READ).code();
        }
        return ErrorCode.TRANSFER_FAIL.code();
    }
}
