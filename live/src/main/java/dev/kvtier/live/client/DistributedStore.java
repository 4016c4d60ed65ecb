package dev.kvtier.live.client;

import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.ReplicaStatus;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Result;
import dev.kvtier.model.store.Segment;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import dev.kvtier.transport.tcp.rpc.RpcException;
import dev.kvtier.transport.tcp.transfer.NativeMemory;
import dev.kvtier.transport.tcp.transfer.RegisteredMemory;
import dev.kvtier.transport.tcp.transfer.TransferClient;
import dev.kvtier.transport.tcp.transfer.TransferException;
import dev.kvtier.transport.tcp.transfer.TransferOp;
import dev.kvtier.transport.tcp.transfer.TransferServer;
import dev.kvtier.transport.tcp.transfer.TransferStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store's client library, after the reference's {@code MooncakeDistributedStore}: objects are written straight
 * into the segment the master allocated ({@code PutStart} → TCP WRITE → {@code PutEnd}) and read straight from a
 * replica ({@code GetReplicaList} → TCP READ); the master never sees bytes. A client with
 * {@code global_segment_size > 0} also serves its own segment, as a store service or serving worker does, and
 * keeps itself alive at the master (ping every second, remount on {@code NEED_REMOUNT}, reconnect after three
 * failed pings). Return values follow the reference: 0 or a count on success, a negative {@link ErrorCode} value.
 * Thread-safe; the zero-copy calls take direct buffers registered with {@link #registerBuffer}.
 */
public final class DistributedStore implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(DistributedStore.class.getName());
    private static final long PING_PERIOD_MS = 1000;
    private static final int PING_FAILURES_BEFORE_RECONNECT = 3;

    private final StoreConfig config;
    private final long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final SegmentDirectory directory;
    private final TransferClient transfers;
    private final RegisteredMemory localBuffers = new RegisteredMemory();
    private final RegisteredMemory served = new RegisteredMemory();
    private final List<Segment> segments = new ArrayList<>();
    private final ByteBuffer staging;
    private volatile MasterRpcClient master;
    private TransferServer transferServer;
    private SegmentMemory segmentMemory;
    private String segmentName;
    private Thread heartbeat;
    private volatile boolean closed;

    private DistributedStore(final StoreConfig config)
    {
        this.config = config;
        this.directory = new SegmentDirectory(config.metadataServer());
        this.transfers = new TransferClient(lanesPerPeer(), statusTimeoutMs());
        this.master = MasterRpcClient.connect(config.masterServerAddress());
        this.staging = config.localBufferSize() > 0 ? ByteBuffer.allocateDirect((int)config.localBufferSize()) : null;
        if (staging != null)
        {
            localBuffers.register(staging);
        }
    }

    /**
     * Connects to the master and, with a segment, maps, serves, publishes and mounts it.
     *
     * @throws IllegalStateException naming what failed (master unreachable, metadata service, huge pages)
     */
    public static DistributedStore setup(final StoreConfig config)
    {
        final DistributedStore s = new DistributedStore(config);
        try
        {
            if (config.globalSegmentSize() > 0)
            {
                s.mountOwnSegment();
            }
            s.startHeartbeat();
            return s;
        }
        catch (final IOException | RuntimeException e)
        {
            s.close();
            throw new IllegalStateException("store setup failed: " + e.getMessage(), e);
        }
    }

    private void mountOwnSegment() throws IOException
    {
        segmentMemory = SegmentMemory.map(config.globalSegmentSize(), System.getenv());
        served.register(segmentMemory.base(), config.globalSegmentSize(), segmentMemory.file());
        final String hostname = config.localHostname();
        final int colon = hostname.lastIndexOf(':');
        final String host = colon > 0 ? hostname.substring(0, colon) : hostname;
        transferServer = bindTransferServer(host, colon > 0 ? Integer.parseInt(hostname.substring(colon + 1)) : -1);
        segmentName = host + ":" + transferServer.port();
        directory.publish(segmentName, host, transferServer.port(), segmentMemory.base(), config.globalSegmentSize());
        final Segment seg = new Segment(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), segmentName,
            segmentMemory.base(), config.globalSegmentSize(), clientId, host);
        check("MountSegment", call(new MasterRequest.MountSegment(master.nextRequestId(), seg, clientId)));
        synchronized (segments)
        {
            segments.add(seg);
        }
        pingOnce();
    }

    /** Binds the data port: the one in {@code local_hostname}, else one in [12300, 14300] (20 tries). */
    private TransferServer bindTransferServer(final String host, final int port) throws IOException
    {
        if (port >= 0)
        {
            return new TransferServer(served, host, port, reason -> { }).start();
        }
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            final int p = ThreadLocalRandom.current().nextInt(12300, 14301);
            try
            {
                return new TransferServer(served, host, p, reason -> { }).start();
            }
            catch (final IOException e)
            {
                last = e;
            }
        }
        throw new IOException("no free data port in [12300, 14300] on " + host + ": " + last.getMessage());
    }

    private void startHeartbeat()
    {
        heartbeat = new Thread(() ->
        {
            int failures = 0;
            while (!closed)
            {
                try
                {
                    Thread.sleep(PING_PERIOD_MS);
                    pingOnce();
                    failures = 0;
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                catch (final RuntimeException e)
                {
                    if (closed)
                    {
                        return;
                    }
                    failures++;
                    LOG.log(System.Logger.Level.WARNING, "ping failed (" + failures + "): " + e.getMessage());
                    if (failures >= PING_FAILURES_BEFORE_RECONNECT)
                    {
                        reconnect();
                        failures = 0;
                    }
                }
            }
        }, "kvtier-store-heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
    }

    /** One ping; remounts every own segment when the master answers NEED_REMOUNT. */
    private void pingOnce()
    {
        final MasterReply r = master.call(new MasterRequest.Ping(master.nextRequestId(), clientId), 5000);
        if (r.value() == ClientStatus.NEED_REMOUNT)
        {
            final List<Segment> mine;
            synchronized (segments)
            {
                mine = List.copyOf(segments);
            }
            check("ReMountSegment", master.call(new MasterRequest.ReMountSegment(master.nextRequestId(), mine,
                clientId), 5000));
        }
    }

    private void reconnect()
    {
        try
        {
            final MasterRpcClient fresh = MasterRpcClient.connect(config.masterServerAddress());
            final MasterRpcClient old = master;
            master = fresh;
            old.close();
            LOG.log(System.Logger.Level.INFO, "reconnected to master " + config.masterServerAddress());
        }
        catch (final RuntimeException e)
        {
            LOG.log(System.Logger.Level.WARNING, "reconnect failed: " + e.getMessage());
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
            final MasterReply start = call(new MasterRequest.PutStart(master.nextRequestId(), clientId, key,
                src.remaining(), replicate));
            if (start.error() != ErrorCode.OK)
            {
                return start.error().code();
            }
            final int[] codes = writeAll(List.of(replicas(start.value())), List.of(src));
            if (codes[0] != 0)
            {
                call(new MasterRequest.PutRevoke(master.nextRequestId(), clientId, key));
                return codes[0];
            }
            return call(new MasterRequest.PutEnd(master.nextRequestId(), clientId, key)).error().code();
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
            java.util.Arrays.fill(out, ErrorCode.INVALID_PARAMS.code());
            return out;
        }
        try
        {
            final List<Long> lengths = new ArrayList<>(n);
            for (final ByteBuffer b : srcs)
            {
                lengths.add((long)b.remaining());
            }
            final List<Result<?>> starts = results(call(new MasterRequest.BatchPutStart(master.nextRequestId(),
                clientId, keys, lengths, ReplicateConfig.defaults())));
            final List<List<ReplicaDescriptor>> placements = new ArrayList<>(n);
            final List<ByteBuffer> sources = new ArrayList<>(n);
            final List<Integer> index = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                final Result<?> r = starts.get(i);
                if (!registered(srcs.get(i)))
                {
                    out[i] = ErrorCode.INVALID_PARAMS.code();
                }
                else if (!r.isOk())
                {
                    out[i] = r.error().code();
                    continue;
                }
                else
                {
                    placements.add(replicas(r.value()));
                    sources.add(srcs.get(i));
                    index.add(i);
                    continue;
                }
                if (r.isOk())
                {
                    call(new MasterRequest.PutRevoke(master.nextRequestId(), clientId, keys.get(i)));
                }
            }
            final int[] codes = writeAll(placements, sources);
            final List<String> done = new ArrayList<>();
            final List<String> failed = new ArrayList<>();
            for (int j = 0; j < index.size(); j++)
            {
                out[index.get(j)] = codes[j];
                (codes[j] == 0 ? done : failed).add(keys.get(index.get(j)));
            }
            if (!failed.isEmpty())
            {
                call(new MasterRequest.BatchPutRevoke(master.nextRequestId(), clientId, failed));
            }
            if (!done.isEmpty())
            {
                final List<Result<?>> ends = results(call(new MasterRequest.BatchPutEnd(master.nextRequestId(),
                    clientId, done)));
                int d = 0;
                for (int j = 0; j < index.size(); j++)
                {
                    if (codes[j] == 0)
                    {
                        out[index.get(j)] = ends.get(d++).error().code();
                    }
                }
            }
        }
        catch (final RpcException e)
        {
            java.util.Arrays.fill(out, e.code().code());
        }
        return out;
    }

    /** Writes every source to every one of its replicas, pipelined per peer; a code per source. */
    private int[] writeAll(final List<List<ReplicaDescriptor>> placements, final List<ByteBuffer> sources)
    {
        final int[] codes = new int[sources.size()];
        final Map<String, List<int[]>> bySegment = new LinkedHashMap<>();
        for (int i = 0; i < placements.size(); i++)
        {
            for (int r = 0; r < placements.get(i).size(); r++)
            {
                bySegment.computeIfAbsent(placements.get(i).get(r).segmentName(), k -> new ArrayList<>())
                    .add(new int[] {i, r});
            }
        }
        for (final Map.Entry<String, List<int[]>> e : bySegment.entrySet())
        {
            final List<TransferOp> ops = new ArrayList<>();
            for (final int[] ir : e.getValue())
            {
                final ReplicaDescriptor d = placements.get(ir[0]).get(ir[1]);
                ops.add(new TransferOp(true, d.bufferAddress(), sources.get(ir[0])));
            }
            final int[] status = run(e.getKey(), ops);
            for (int k = 0; k < status.length; k++)
            {
                if (status[k] != 0)
                {
                    codes[e.getValue().get(k)[0]] = status[k];
                }
            }
        }
        return codes;
    }

    /** Runs ops on one segment's peer; per op 0, or TRANSFER_FAIL / INVALID_WRITE as a negative code. */
    private int[] run(final String segment, final List<TransferOp> ops)
    {
        final int[] out = new int[ops.size()];
        InetSocketAddress peer = null;
        try
        {
            peer = directory.resolve(segment);
            final int[] status = transfers.run(peer, ops);
            for (int i = 0; i < status.length; i++)
            {
                out[i] = status[i] == TransferStatus.OK ? 0 : (ops.get(i).write() ? ErrorCode.INVALID_WRITE.code()
                    : ErrorCode.INVALID_READ.code());
            }
        }
        catch (final IOException | TransferException e)
        {
            LOG.log(System.Logger.Level.WARNING, "transfer to segment " + segment + " failed: " + e.getMessage());
            directory.invalidate(segment);
            if (peer != null)
            {
                transfers.forget(peer);
            }
            java.util.Arrays.fill(out, ErrorCode.TRANSFER_FAIL.code());
        }
        return out;
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
     * Reads the object into {@code dst} (registered direct buffer) from its position, without moving the
     * position; the number of bytes read or a negative code. Bytes are only ever those the replica holds: a
     * failed transfer is an error, never a partial value.
     */
    public long getInto(final String key, final ByteBuffer dst)
    {
        return batchGetInto(List.of(key), List.of(dst))[0];
    }

    /** One BatchGetReplicaList, then reads pipelined per peer; bytes read or a negative code per key. */
    public long[] batchGetInto(final List<String> keys, final List<ByteBuffer> dsts)
    {
        final int n = keys.size();
        final long[] out = new long[n];
        if (dsts.size() != n)
        {
            java.util.Arrays.fill(out, ErrorCode.INVALID_PARAMS.code());
            return out;
        }
        try
        {
            final List<Result<?>> lists;
            if (n == 1)
            {
                final MasterReply r = call(new MasterRequest.GetReplicaList(master.nextRequestId(), keys.get(0)));
                lists = List.of(r.error() == ErrorCode.OK ? Result.ok(r.value()) : Result.fail(r.error()));
            }
            else
            {
                lists = results(call(new MasterRequest.BatchGetReplicaList(master.nextRequestId(), keys)));
            }
            final Map<String, List<Integer>> bySegment = new LinkedHashMap<>();
            final List<List<ReplicaDescriptor>> candidates = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                final Result<?> r = lists.get(i);
                final List<ReplicaDescriptor> replicas = r.isOk() ? readable(replicas(r.value())) : List.of();
                candidates.add(replicas);
                if (!r.isOk())
                {
                    out[i] = r.error().code();
                }
                else if (replicas.isEmpty())
                {
                    out[i] = ErrorCode.REPLICA_IS_NOT_READY.code();
                }
                else if (!registered(dsts.get(i)))
                {
                    out[i] = ErrorCode.INVALID_PARAMS.code();
                }
                else if (replicas.get(0).size() > dsts.get(i).remaining())
                {
                    out[i] = ErrorCode.BUFFER_OVERFLOW.code();
                }
                else
                {
                    bySegment.computeIfAbsent(replicas.get(0).segmentName(), k -> new ArrayList<>()).add(i);
                }
            }
            for (final Map.Entry<String, List<Integer>> e : bySegment.entrySet())
            {
                final List<TransferOp> ops = new ArrayList<>();
                for (final int i : e.getValue())
                {
                    ops.add(readOp(candidates.get(i).get(0), dsts.get(i)));
                }
                final int[] status = run(e.getKey(), ops);
                for (int k = 0; k < status.length; k++)
                {
                    final int i = e.getValue().get(k);
                    out[i] = status[k] == 0 ? candidates.get(i).get(0).size() : retryOtherReplicas(candidates.get(i),
                        dsts.get(i), status[k]);
                }
            }
        }
        catch (final RpcException e)
        {
            java.util.Arrays.fill(out, e.code().code());
        }
        return out;
    }

    private long retryOtherReplicas(final List<ReplicaDescriptor> replicas, final ByteBuffer dst, final int firstError)
    {
        for (int r = 1; r < replicas.size(); r++)
        {
            final ReplicaDescriptor d = replicas.get(r);
            if (run(d.segmentName(), List.of(readOp(d, dst)))[0] == 0)
            {
                return d.size();
            }
        }
        return firstError;
    }

    private static TransferOp readOp(final ReplicaDescriptor d, final ByteBuffer dst)
    {
        final ByteBuffer slice = dst.duplicate();
        slice.limit(slice.position() + (int)d.size());
        return new TransferOp(false, d.bufferAddress(), slice);
    }

    private static List<ReplicaDescriptor> readable(final List<ReplicaDescriptor> replicas)
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

    /** 1 if a readable replica exists (granting a read lease, as the reference), 0 if not, negative on error. */
    public int isExist(final String key)
    {
        try
        {
            final MasterReply r = call(new MasterRequest.ExistKey(master.nextRequestId(), key));
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
            final MasterReply r = call(new MasterRequest.BatchExistKey(master.nextRequestId(), keys));
            final List<?> flags = (List<?>)r.value();
            for (int i = 0; i < out.length; i++)
            {
                out[i] = Boolean.TRUE.equals(flags.get(i)) ? 1 : 0;
            }
        }
        catch (final RpcException | ClassCastException | IndexOutOfBoundsException e)
        {
            java.util.Arrays.fill(out, -1);
        }
        return out;
    }

    /** The object's size in bytes, or a negative code. */
    public long getSize(final String key)
    {
        try
        {
            final MasterReply r = call(new MasterRequest.GetSize(master.nextRequestId(), key));
            return r.error() == ErrorCode.OK ? (Long)r.value() : r.error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
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
            return call(new MasterRequest.Remove(master.nextRequestId(), key, force)).error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
    }

    /** Objects removed, or a negative code. */
    public long removeByRegex(final String regex, final boolean force)
    {
        try
        {
            final MasterReply r = call(new MasterRequest.RemoveByRegex(master.nextRequestId(), regex, force));
            return r.error() == ErrorCode.OK ? (Long)r.value() : r.error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
    }

    /** Objects removed (without force only lease-expired, complete ones), or a negative code. */
    public long removeAll(final boolean force)
    {
        try
        {
            final MasterReply r = call(new MasterRequest.RemoveAll(master.nextRequestId(), force));
            return r.error() == ErrorCode.OK ? (Long)r.value() : r.error().code();
        }
        catch (final RpcException e)
        {
            return e.code().code();
        }
    }

    /** This client's id at the master. */
    public long clientId()
    {
        return clientId;
    }

    /** The name of the segment this client serves, or null for a pure client. */
    public String segmentName()
    {
        return segmentName;
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private MasterReply call(final MasterRequest request)
    {
        return master.call(request);
    }

    private static void check(final String what, final MasterReply r)
    {
        if (r.error() != ErrorCode.OK)
        {
            throw new IllegalStateException(what + " failed: " + r.error() + " (" + r.error().code() + ")");
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

    private static int lanesPerPeer()
    {
        return Integer.parseInt(System.getenv().getOrDefault("MC_TCP_LANES_PER_PEER", "4"));
    }

    private static long statusTimeoutMs()
    {
        return Long.parseLong(System.getenv().getOrDefault("MC_TCP_STATUS_TIMEOUT_SEC", "30")) * 1000;
    }

    /** Unmounts and unpublishes the own segment, then releases everything. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (heartbeat != null)
        {
            heartbeat.interrupt();
        }
        synchronized (segments)
        {
            for (final Segment s : segments)
            {
                try
                {
                    master.call(new MasterRequest.UnmountSegment(master.nextRequestId(), s.id(), clientId), 5000);
                }
                catch (final RpcException e)
                {
                    LOG.log(System.Logger.Level.WARNING, "unmount at close failed: " + e.getMessage());
                }
            }
            segments.clear();
        }
        if (segmentName != null)
        {
            directory.unpublish(segmentName);
        }
        boolean quiet = true;
        try
        {
            if (transferServer != null)
            {
                quiet = transferServer.closeAndAwait();
            }
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
        transfers.close();
        master.close();
        if (segmentMemory != null && quiet)
        {
            segmentMemory.release();
        }
    }
}
