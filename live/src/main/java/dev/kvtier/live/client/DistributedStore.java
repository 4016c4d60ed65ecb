package dev.kvtier.live.client;

import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.LocalSlice;
import dev.kvtier.model.store.client.StoreCommand;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import dev.kvtier.transport.tcp.transfer.NativeMemory;
import dev.kvtier.transport.tcp.transfer.TcpTransferEngine;
import dev.kvtier.transport.tcp.transfer.TransferServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The store's client library, after the reference's {@code MooncakeDistributedStore}, as a blocking facade over
 * the model's store client hosted in this process ({@link HostedStoreClient}): every call becomes a
 * {@link StoreCommand} for that node and waits for its reply, so the put/get protocol ({@code StoreClient}), liveness
 * and error codes are the simulator's, not a second copy. This class only checks arguments, tracks which direct
 * buffers are registered, and copies through its staging buffer for the byte-array calls. A client with
 * {@code global_segment_size > 0} also serves a shared-memory segment, as a store service or serving worker does.
 * Return values follow the reference: 0 or a count on success, a negative {@link ErrorCode} value. Thread-safe.
 */
public final class DistributedStore implements AutoCloseable
{
    private static final long CALL_TIMEOUT_MS = 60_000;

    private final long clientId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final HostedStoreClient hosted;
    private final TransferEngine engine;
    private final SegmentMemory own;
    private final Segment segment;
    private final ByteBuffer staging;
    private final int stagingRegion;
    /** Registered direct buffers by native address: {address, length, region handle}. */
    private final TreeMap<Long, long[]> buffers = new TreeMap<>();
    private volatile boolean closed;

    private DistributedStore(final StoreConfig config) throws IOException
    {
        final String hostname = config.localHostname();
        final int colon = hostname.lastIndexOf(':');
        final String host = colon > 0 ? hostname.substring(0, colon) : hostname;
        final DataPlane plane = DataPlane.open(config.protocol(), host, colon > 0
            ? Integer.parseInt(hostname.substring(colon + 1)) : -1, config.deviceName(),
            envInt("MC_TCP_LANES_PER_PEER", 4), envInt("MC_TCP_STATUS_TIMEOUT_SEC", 30) * 1000L);
        final TransferEngine engine = plane.engine();
        this.engine = engine;
        SegmentMemory memory = null;
        Segment seg = null;
        MemoryRegion region = null;
        try
        {
            if (config.globalSegmentSize() > 0)
            {
                region = engine.allocateSegment(config.globalSegmentSize());
                if (region == null)
                {
                    memory = SegmentMemory.map(config.globalSegmentSize(), System.getenv());
                    region = MemoryRegion.mapped(memory.base(), config.globalSegmentSize(), memory.file());
                }
                seg = new Segment(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), plane.segmentName(),
                    region.address(), config.globalSegmentSize(), clientId, host);
            }
            final ClusterToken token = ClusterToken.resolve(config.clusterToken(), System.getenv());
            this.hosted = new HostedStoreClient(config.masterServerAddress(), token, clientId, seg, region, engine,
                new SegmentDirectory(config.metadataServer(), token), CALL_TIMEOUT_MS);
        }
        catch (final RuntimeException e)
        {
            engine.close();
            if (memory != null)
            {
                memory.release();
            }
            throw e;
        }
        this.own = memory;
        this.segment = seg;
        this.staging = config.localBufferSize() > 0 ? ByteBuffer.allocateDirect((int)config.localBufferSize()) : null;
        this.stagingRegion = staging != null ? (int)hosted.call(id -> new StoreCommand.Register(id,
            MemoryRegion.of(staging)), 1)[0] : -1;
    }

    /**
     * Connects to the master and, with a segment, maps it and waits until the hosted client has exposed, published
     * and mounted it (the client's start protocol).
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
        catch (final IOException | RuntimeException e)
        {
            throw new IllegalStateException("store setup failed: " + e.getMessage(), e);
        }
        try
        {
            if (s.segment != null)
            {
                s.hosted.runtime().exposed(s.segment.name()).get(30, TimeUnit.SECONDS);
                s.awaitMount();
            }
            return s;
        }
        catch (final Exception e)
        {
            s.close();
            final Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("store setup failed: " + cause.getMessage(), e);
        }
    }

    private void awaitMount() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final int code = hosted.runner().query(() -> hosted.node().mountResult()).get(30, TimeUnit.SECONDS);
            if (code == 0)
            {
                return;
            }
            if (code < 0)
            {
                throw new IllegalStateException("MountSegment failed: " + ErrorCode.of(code));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("MountSegment got no answer from the master in 30 s");
            }
            Thread.sleep(1);
        }
    }

    // ---------------------------------------------------------------------------------------------- buffers

    /** Registers a direct buffer for {@link #putFrom}/{@link #getInto}; 0, or INVALID_PARAMS. */
    public int registerBuffer(final ByteBuffer direct)
    {
        if (!direct.isDirect() || direct.capacity() == 0)
        {
            return ErrorCode.INVALID_PARAMS.code();
        }
        final long address = NativeMemory.addressOf(direct);
        synchronized (buffers)
        {
            final Map.Entry<Long, long[]> below = buffers.floorEntry(address + direct.capacity() - 1);
            if (below != null && below.getKey() + below.getValue()[1] > address)
            {
                return ErrorCode.INVALID_PARAMS.code();
            }
        }
        final long region = hosted.call(id -> new StoreCommand.Register(id, MemoryRegion.of(direct)), 1)[0];
        if (region < 0)
        {
            return (int)region;
        }
        synchronized (buffers)
        {
            buffers.put(address, new long[] {address, direct.capacity(), region});
        }
        return 0;
    }

    public int unregisterBuffer(final ByteBuffer direct)
    {
        synchronized (buffers)
        {
            return buffers.remove(NativeMemory.addressOf(direct)) != null ? 0 : ErrorCode.INVALID_PARAMS.code();
        }
    }

    /** {@code b}'s remaining bytes as a slice of a registered region, or null if they are not inside one. */
    private LocalSlice slice(final ByteBuffer b)
    {
        if (!b.isDirect())
        {
            return null;
        }
        final long at = NativeMemory.addressOf(b) + b.position();
        synchronized (buffers)
        {
            final Map.Entry<Long, long[]> e = buffers.floorEntry(at);
            if (e == null || at + b.remaining() > e.getKey() + e.getValue()[1])
            {
                return null;
            }
            return new LocalSlice((int)e.getValue()[2], at - e.getKey(), b.remaining());
        }
    }

    /** The keys whose buffers are registered, with their slices; the others get INVALID_PARAMS in {@code out}. */
    private Selection select(final List<String> keys, final List<ByteBuffer> buffers, final long[] out)
    {
        final Selection sel = new Selection(keys.size());
        for (int i = 0; i < keys.size(); i++)
        {
            final LocalSlice s = slice(buffers.get(i));
            if (s == null)
            {
                out[i] = ErrorCode.INVALID_PARAMS.code();
                continue;
            }
            sel.at[sel.keys.size()] = i;
            sel.keys.add(keys.get(i));
            sel.slices.add(s);
        }
        return sel;
    }

    /** A batch call's keys after argument checks, and where each one's answer goes back. */
    private static final class Selection
    {
        final List<String> keys;
        final List<LocalSlice> slices;
        final int[] at;

        Selection(final int n)
        {
            keys = new ArrayList<>(n);
            slices = new ArrayList<>(n);
            at = new int[n];
        }

        void scatter(final long[] values, final long[] out)
        {
            for (int j = 0; j < keys.size(); j++)
            {
                out[at[j]] = values[j];
            }
        }
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
            return (int)hosted.call(id -> new StoreCommand.Put(id, List.of(key),
                List.of(new LocalSlice(stagingRegion, 0, value.length)), ReplicateConfig.defaults(), true), 1)[0];
        }
    }

    /** Stores {@code src}'s remaining bytes (a registered direct buffer) under {@code key}; 0 or a negative code. */
    public int putFrom(final String key, final ByteBuffer src)
    {
        return putFrom(key, src, ReplicateConfig.defaults());
    }

    public int putFrom(final String key, final ByteBuffer src, final ReplicateConfig replicate)
    {
        final LocalSlice s = slice(src);
        if (s == null)
        {
            return ErrorCode.INVALID_PARAMS.code();
        }
        return (int)hosted.call(id -> new StoreCommand.Put(id, List.of(key), List.of(s), replicate, true), 1)[0];
    }

    /** Stores each buffer under its key as one batch (the model client's batch put); a code per key. */
    public int[] batchPutFrom(final List<String> keys, final List<ByteBuffer> srcs)
    {
        final int n = keys.size();
        final int[] out = new int[n];
        if (srcs.size() != n)
        {
            Arrays.fill(out, ErrorCode.INVALID_PARAMS.code());
            return out;
        }
        final long[] codes = new long[n];
        final Selection sel = select(keys, srcs, codes);
        if (!sel.keys.isEmpty())
        {
            sel.scatter(hosted.call(id -> new StoreCommand.Put(id, sel.keys, sel.slices, ReplicateConfig.defaults()),
                sel.keys.size()), codes);
        }
        for (int i = 0; i < n; i++)
        {
            out[i] = (int)codes[i];
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
            final long n = hosted.call(id -> new StoreCommand.Get(id, List.of(key),
                List.of(new LocalSlice(stagingRegion, 0, staging.capacity())), true), 1)[0];
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
        final LocalSlice s = slice(dst);
        if (s == null)
        {
            return ErrorCode.INVALID_PARAMS.code();
        }
        return hosted.call(id -> new StoreCommand.Get(id, List.of(key), List.of(s), true), 1)[0];
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
        final Selection sel = select(keys, dsts, out);
        if (!sel.keys.isEmpty())
        {
            sel.scatter(hosted.call(id -> new StoreCommand.Get(id, sel.keys, sel.slices), sel.keys.size()), out);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- queries

    /** 1 if a readable replica exists (granting a read lease, as the reference), 0 if not, -1 on error. */
    public int isExist(final String key)
    {
        final long v = hosted.call(id -> new StoreCommand.IsExist(id, key), 1)[0];
        return v < 0 ? -1 : (int)v;
    }

    /** Per key 1, 0 or -1, in one BatchExistKey. */
    public int[] batchIsExist(final List<String> keys)
    {
        final long[] v = hosted.call(id -> new StoreCommand.Exists(id, keys), keys.size());
        final int[] out = new int[keys.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = v[i] < 0 ? -1 : (int)v[i];
        }
        return out;
    }

    /** The object's size in bytes, or a negative code. */
    public long getSize(final String key)
    {
        return hosted.call(id -> new StoreCommand.GetSize(id, key), 1)[0];
    }

    public int remove(final String key)
    {
        return remove(key, false);
    }

    /** 0, or e.g. OBJECT_HAS_LEASE (-706) while a reader holds a lease and {@code force} is false. */
    public int remove(final String key, final boolean force)
    {
        return (int)hosted.call(id -> new StoreCommand.Remove(id, key, force), 1)[0];
    }

    /** Objects removed, or a negative code. */
    public long removeByRegex(final String regex, final boolean force)
    {
        return hosted.call(id -> new StoreCommand.RemoveByRegex(id, regex, force), 1)[0];
    }

    /** Objects removed (without force only lease-expired, complete ones), or a negative code. */
    public long removeAll(final boolean force)
    {
        return hosted.call(id -> new StoreCommand.RemoveAll(id, force), 1)[0];
    }

    /** This client's id at the master. */
    public long clientId()
    {
        return clientId;
    }

    /** The name of the segment this client serves, or null for a pure client. */
    /** "master host:port unreachable since …" while this client's calls to the master fail, else null. */
    public String masterUnreachable()
    {
        return hosted.masterUnreachable();
    }

    public String segmentName()
    {
        return segment == null ? null : segment.name();
    }

    /** The TCP data port's server (its limits and counters), or null over {@code rdma}, which has none. */
    public TransferServer dataPortServer()
    {
        return engine instanceof TcpTransferEngine tcp ? tcp.server() : null;
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
        if (segment != null)
        {
            final long code = hosted.call(id -> new StoreCommand.Stop(id), 1)[0];
            if (code != 0)
            {
                System.getLogger(DistributedStore.class.getName()).log(System.Logger.Level.WARNING,
                    "unmount at close failed: " + ErrorCode.of((int)code));
            }
        }
        hosted.close();
        if (own != null)
        {
            own.release();
        }
    }
}
