package dev.kvtier.live.client;

import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.ReplicaStatus;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Result;
import dev.kvtier.model.store.Segment;
import dev.kvtier.transport.tcp.rpc.RpcException;
import dev.kvtier.transport.tcp.transfer.NativeMemory;
import dev.kvtier.transport.tcp.transfer.RegisteredMemory;
import dev.kvtier.transport.tcp.transfer.TransferClient;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * The store's client library, after the reference's {@code MooncakeDistributedStore}: objects are written straight
 * into the segment the master allocated ({@code PutStart} → TCP WRITE → {@code PutEnd}) and read straight from a
 * replica ({@code GetReplicaList} → TCP READ); the master never sees bytes. A client with
 * {@code global_segment_size > 0} also serves its own segment, as a store service or serving worker does, and
 * stays alive at the master through its {@link Heartbeat}. Return values follow the reference: 0 or a count on
 * success, a negative {@link ErrorCode} value. Thread-safe; the zero-copy calls take slices of direct buffers
 * registered with {@link #registerBuffer}.
 */
public final class DistributedStore implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(DistributedStore.class.getName());

    private final long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final MasterLink master;
    private final ReplicaIo io;
    private final RegisteredMemory localBuffers = new RegisteredMemory();
    private final ByteBuffer staging;
    private final List<Segment> mounted = new ArrayList<>();
    private final Heartbeat heartbeat;
    private OwnSegment own;
    private volatile boolean closed;

    private DistributedStore(final StoreConfig config)
    {
        this.master = new MasterLink(config.masterServerAddress());
        this.io = new ReplicaIo(new SegmentDirectory(config.metadataServer()),
            new TransferClient(envInt("MC_TCP_LANES_PER_PEER", 4), envInt("MC_TCP_STATUS_TIMEOUT_SEC", 30) * 1000L));
        this.staging = config.localBufferSize() > 0 ? ByteBuffer.allocateDirect((int)config.localBufferSize()) : null;
        if (staging != null)
        {
            localBuffers.register(staging);
        }
        this.heartbeat = new Heartbeat(master, clientId, () ->
        {
            synchronized (mounted)
            {
                return List.copyOf(mounted);
            }
        });
    }

    /**
     * Connects to the master and, with a segment, maps, serves, publishes and mounts it (the first ping then
     * remounts it, which puts this client in the master's OK set).
     *
     * @throws IllegalStateException naming what failed (master unreachable, metadata service, huge pages)
     */
    public static DistributedStore setup(final StoreConfig config)
    {
        final DistributedStore s;
        try
        {
            s = new DistributedStore(config);
        }
        catch (final RuntimeException e)
        {
            throw new IllegalStateException("store setup failed: " + e.getMessage(), e);
        }
        try
        {
            if (config.globalSegmentSize() > 0)
            {
                s.own = OwnSegment.serve(config, s.clientId, new SegmentDirectory(config.metadataServer()));
                final Segment seg = s.own.segment();
                final MasterReply r = s.master.call(id -> new MasterRequest.MountSegment(id, seg, s.clientId));
                if (r.error() != ErrorCode.OK)
                {
                    throw new IllegalStateException("MountSegment failed: " + r.error());
                }
                synchronized (s.mounted)
                {
                    s.mounted.add(seg);
                }
            }
            s.heartbeat.pingOnce();
            s.heartbeat.start();
            return s;
        }
        catch (final IOException | RuntimeException e)
        {
            s.close();
            throw new IllegalStateException("store setup failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- buffers

    /** Registers a direct buffer for {@link #putFrom}/{@link #getInto}; 0, or INVALID_PARAMS. */
    public int registerBuffer(final ByteBuffer direct)
    {
        try
        {
            localBuffers.register(direct);
            return 0;
        }
        catch (final IllegalArgumentException e)
        {
            return ErrorCode.INVALID_PARAMS.code();
        }
    }

    public int unregisterBuffer(final ByteBuffer direct)
    {
        return localBuffers.unregister(NativeMemory.addressOf(direct)) ? 0 : ErrorCode.INVALID_PARAMS.code();
    }

    private boolean registered(final ByteBuffer b)
    {
        return b.isDirect() && localBuffers.contains(NativeMemory.addressOf(b) + b.position(), b.remaining());
    }

    // ---------------------------------------------------------------------------------------------- writes

    /** Copies {@code value} through the local buffer and stores it under {@code key}; 0 or a negative code. */
    public int put(final String key, final byte[] value)
    {
        if (staging == null || value.length > staging.capacity())
        {
            return ErrorCode.BUFFER_OVERFLOW.code();
        }
        synchronized (staging)
        {
            staging.clear();
            staging.put(value).flip();
            return putFrom(key, staging);
        }
    }

    /** Stores {@code src}'s remaining bytes (a registered direct buffer) under {@code key}; 0 or a negative code. */
    public int putFrom(final String key, final ByteBuffer src)
    {
        return putFrom(key, src, ReplicateConfig.defaults());
    }

    public int putFrom(final String key, final ByteBuffer src, final ReplicateConfig replicate)
    {
        if (!registered(src))
        {
            return ErrorCode.INVALID_PARAMS.code();
        }
        try
        {
            final MasterReply start = call(id -> new MasterRequest.PutStart(id, clientId, key, src.remaining(),
                replicate));
            if (start.error() != ErrorCode.OK)
            {
                return start.error().code();
            }
            final int code = io.writeAll(List.of(replicas(start.value())), List.of(src))[0];
            if (code != 0)
            {
                call(id -> new MasterRequest.PutRevoke(id, clientId, key));
                return code;
            }
            return call(id -> new MasterRequest.PutEnd(id, clientId, key)).error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
    }

    /** Stores each buffer under its key with one BatchPutStart and one BatchPutEnd; a code per key. */
    public int[] batchPutFrom(final List<String> keys, final List<ByteBuffer> srcs)
    {
        final int n = keys.size();
        final int[] out = new int[n];
        if (srcs.size() != n)
        {
            Arrays.fill(out, ErrorCode.INVALID_PARAMS.code());
            return out;
        }
        try
        {
            final List<String> startKeys = new ArrayList<>(n);
            final List<Long> lengths = new ArrayList<>(n);
            final List<Integer> started = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                if (registered(srcs.get(i)))
                {
                    startKeys.add(keys.get(i));
                    lengths.add((long)srcs.get(i).remaining());
                    started.add(i);
                }
                else
                {
                    out[i] = ErrorCode.INVALID_PARAMS.code();
                }
            }
            final List<Result<?>> starts = results(call(id -> new MasterRequest.BatchPutStart(id, clientId,
                startKeys, lengths, ReplicateConfig.defaults())));
            final List<List<ReplicaDescriptor>> placements = new ArrayList<>();
            final List<ByteBuffer> sources = new ArrayList<>();
            final List<Integer> placed = new ArrayList<>();
            for (int j = 0; j < started.size(); j++)
            {
                final int i = started.get(j);
                if (starts.get(j).isOk())
                {
                    placements.add(replicas(starts.get(j).value()));
                    sources.add(srcs.get(i));
                    placed.add(i);
                }
                else
                {
                    out[i] = starts.get(j).error().code();
                }
            }
            finish(keys, placed, io.writeAll(placements, sources), out);
        }
        catch (final RpcException e)
        {
            Arrays.fill(out, e.code().code());
        }
        return out;
    }

    /** Ends the written keys and revokes the failed ones, each in one batch call. */
    private void finish(final List<String> keys, final List<Integer> placed, final int[] codes, final int[] out)
    {
        final List<String> done = new ArrayList<>();
        final List<Integer> doneIndex = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        for (int j = 0; j < placed.size(); j++)
        {
            out[placed.get(j)] = codes[j];
            if (codes[j] == 0)
            {
                done.add(keys.get(placed.get(j)));
                doneIndex.add(placed.get(j));
            }
            else
            {
                failed.add(keys.get(placed.get(j)));
            }
        }
        if (!failed.isEmpty())
        {
            call(id -> new MasterRequest.BatchPutRevoke(id, clientId, failed));
        }
        if (!done.isEmpty())
        {
            final List<Result<?>> ends = results(call(id -> new MasterRequest.BatchPutEnd(id, clientId, done)));
            for (int d = 0; d < done.size(); d++)
            {
                out[doneIndex.get(d)] = ends.get(d).error().code();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- reads

    /** The object's bytes copied through the local buffer; empty when missing or on error (as the reference). */
    public byte[] get(final String key)
    {
        if (staging == null)
        {
            return new byte[0];
        }
        synchronized (staging)
        {
            staging.clear();
            final long n = getInto(key, staging);
            if (n <= 0)
            {
                return new byte[0];
            }
            final byte[] out = new byte[(int)n];
            staging.get(0, out);
            return out;
        }
    }

    /**
     * Reads the object into {@code dst} (a registered direct buffer) from its position, without moving the
     * position; the bytes read or a negative code. A failed transfer is an error, never a partial value.
     */
    public long getInto(final String key, final ByteBuffer dst)
    {
        return batchGetInto(List.of(key), List.of(dst))[0];
    }

    /** One replica lookup for all keys, then reads pipelined per holding peer; bytes or a negative code per key. */
    public long[] batchGetInto(final List<String> keys, final List<ByteBuffer> dsts)
    {
        final int n = keys.size();
        final long[] out = new long[n];
        if (dsts.size() != n)
        {
            Arrays.fill(out, ErrorCode.INVALID_PARAMS.code());
            return out;
        }
        try
        {
            final List<Result<?>> lists;
            if (n == 1)
            {
                final MasterReply r = call(id -> new MasterRequest.GetReplicaList(id, keys.get(0)));
                lists = List.of(r.error() == ErrorCode.OK ? Result.ok(r.value()) : Result.fail(r.error()));
            }
            else
            {
                lists = results(call(id -> new MasterRequest.BatchGetReplicaList(id, keys)));
            }
            final List<List<ReplicaDescriptor>> readable = new ArrayList<>(n);
            final List<Integer> todo = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                final Result<?> r = lists.get(i);
                final List<ReplicaDescriptor> complete = r.isOk() ? complete(replicas(r.value())) : List.of();
                readable.add(complete);
                if (!r.isOk())
                {
                    out[i] = r.error().code();
                }
                else if (complete.isEmpty())
                {
                    out[i] = ErrorCode.REPLICA_IS_NOT_READY.code();
                }
                else if (!registered(dsts.get(i)))
                {
                    out[i] = ErrorCode.INVALID_PARAMS.code();
                }
                else if (complete.get(0).size() > dsts.get(i).remaining())
                {
                    out[i] = ErrorCode.BUFFER_OVERFLOW.code();
                }
                else
                {
                    todo.add(i);
                }
            }
            io.readAll(readable, dsts, todo, out);
        }
        catch (final RpcException e)
        {
            Arrays.fill(out, e.code().code());
        }
        return out;
    }

    private static List<ReplicaDescriptor> complete(final List<ReplicaDescriptor> replicas)
    {
        final List<ReplicaDescriptor> out = new ArrayList<>(replicas.size());
        for (final ReplicaDescriptor d : replicas)
        {
            if (d.status() == ReplicaStatus.COMPLETE)
            {
                out.add(d);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- queries

    /** 1 if a readable replica exists (granting a read lease, as the reference), 0 if not, -1 on error. */
    public int isExist(final String key)
    {
        try
        {
            final MasterReply r = call(id -> new MasterRequest.ExistKey(id, key));
            return r.error() != ErrorCode.OK ? -1 : Boolean.TRUE.equals(r.value()) ? 1 : 0;
        }
        catch (final RpcException e)
        {
            return -1;
        }
    }

    /** Per key 1, 0 or -1, in one BatchExistKey. */
    public int[] batchIsExist(final List<String> keys)
    {
        final int[] out = new int[keys.size()];
        try
        {
            final List<?> flags = (List<?>)call(id -> new MasterRequest.BatchExistKey(id, keys)).value();
            for (int i = 0; i < out.length; i++)
            {
                out[i] = Boolean.TRUE.equals(flags.get(i)) ? 1 : 0;
            }
        }
        catch (final RpcException | ClassCastException | IndexOutOfBoundsException e)
        {
            Arrays.fill(out, -1);
        }
        return out;
    }

    /** The object's size in bytes, or a negative code. */
    public long getSize(final String key)
    {
        return count(id -> new MasterRequest.GetSize(id, key));
    }

    public int remove(final String key)
    {
        return remove(key, false);
    }

    /** 0, or e.g. OBJECT_HAS_LEASE (-706) while a reader holds a lease and {@code force} is false. */
    public int remove(final String key, final boolean force)
    {
        try
        {
            return call(id -> new MasterRequest.Remove(id, key, force)).error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
    }

    /** Objects removed, or a negative code. */
    public long removeByRegex(final String regex, final boolean force)
    {
        return count(id -> new MasterRequest.RemoveByRegex(id, regex, force));
    }

    /** Objects removed (without force only lease-expired, complete ones), or a negative code. */
    public long removeAll(final boolean force)
    {
        return count(id -> new MasterRequest.RemoveAll(id, force));
    }

    /** This client's id at the master. */
    public long clientId()
    {
        return clientId;
    }

    /** The name of the segment this client serves, or null for a pure client. */
    public String segmentName()
    {
        return own == null ? null : own.segment().name();
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private MasterReply call(final LongFunction<MasterRequest> request)
    {
        return master.call(request);
    }

    /** A call answering a count (or size): the value, or the negative code. */
    private long count(final LongFunction<MasterRequest> request)
    {
        try
        {
            final MasterReply r = call(request);
            return r.error() == ErrorCode.OK ? (Long)r.value() : r.error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<ReplicaDescriptor> replicas(final Object value)
    {
        return value == null ? List.of() : (List<ReplicaDescriptor>)value;
    }

    @SuppressWarnings("unchecked")
    private static List<Result<?>> results(final MasterReply r)
    {
        if (r.error() != ErrorCode.OK)
        {
            throw new RpcException(r.error(), "batch call failed: " + r.error());
        }
        return (List<Result<?>>)r.value();
    }

    private static int envInt(final String name, final int fallback)
    {
        final String v = System.getenv(name);
        try
        {
            return v == null ? fallback : Integer.parseInt(v.trim());
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(name + ": expected an integer, got '" + v + "'");
        }
    }

    /** Unmounts the own segment, stops serving it, then releases everything. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        heartbeat.close();
        synchronized (mounted)
        {
            for (final Segment s : mounted)
            {
                try
                {
                    master.call(id -> new MasterRequest.UnmountSegment(id, s.id(), clientId), 5000);
                }
                catch (final RpcException e)
                {
                    LOG.log(System.Logger.Level.WARNING, "unmount at close failed: " + e.getMessage());
                }
            }
            mounted.clear();
        }
        if (own != null)
        {
            own.close();
        }
        io.close();
        master.close();
    }
}
