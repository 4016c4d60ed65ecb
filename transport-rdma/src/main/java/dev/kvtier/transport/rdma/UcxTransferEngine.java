package dev.kvtier.transport.rdma;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.model.transfer.TransferSlice;
import dev.kvtier.transport.rdma.ucp.UcpWorker;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One-sided transfers over UCX's UCP API behind the runtime's {@link TransferEngine}: {@code protocol: rdma}. On
 * InfiniBand or RoCE NICs UCX drives them as RDMA READ/WRITE on RC/DC queue pairs; on a machine without RDMA the same
 * calls run over UCX's {@code tcp} or shared-memory transports, so one code path is tested everywhere.
 *
 * <p>Exposing a segment maps it ({@code ucp_mem_map}) and packs its remote key; the returned endpoint carries the
 * key and this engine's worker address for the directory to publish next to the segment descriptor. Regions nodes
 * register are mapped too. A batch's remote range is checked against the peer's published range before anything
 * is sent ({@code OUT_OF_RANGE}); its slices are issued together on the peer's endpoint (one per peer, created from
 * the published worker address) with a flush behind them, and end {@code OK} only when the flush did, i.e. when
 * every byte is at the peer. Every batch has a deadline: past it, or on any UCX error, the endpoint is force-closed
 * so that nothing still in flight can touch local memory, and the batch ends {@code DEADLINE} or {@code PEER_DEAD}.
 * Every UCX call runs on one progress thread ({@link ProgressLoop}).
 */
public final class UcxTransferEngine implements TransferEngine
{
    /** The protocol name in published descriptors (Mooncake's for its RDMA transport). */
    public static final String PROTOCOL = "rdma";
    private static final long CALL_TIMEOUT_S = 30;

    private final String host;
    private final long timeoutNanos;
    private final UcpWorker worker;
    private final String workerAddress;
    private final ProgressLoop loop;
    private final Thread thread;
    /** Mapped local memory by region, progress thread only: {native address, memory handle}. */
    private final Map<MemoryRegion, long[]> mapped = new IdentityHashMap<>();
    private final Map<Long, long[]> exposedByBase = new java.util.HashMap<>();
    /**
     * Every region this engine mapped or exposed, held until the worker is gone: a buffer freed while UCX may still
     * copy into or out of it (a peer's late operation on a withdrawn segment) would be a crash, not an error.
     */
    private final java.util.List<MemoryRegion> held = new java.util.ArrayList<>();
    /** Memory UCX allocated for segments, by address: {address, memory handle}; freed at close. */
    private final Map<Long, long[]> allocated = new java.util.HashMap<>();
    private volatile boolean closed;

    /**
     * @param host       the host named in published endpoints (UCX picks its own interfaces and ports)
     * @param timeoutMs  a batch's deadline from submission
     * @param netDevices {@code device_name}: the NICs for UCX ({@code UCX_NET_DEVICES}, e.g. {@code mlx5_0:1});
     *                   "" leaves UCX's choice
     * @throws IllegalStateException one line when UCX is missing, too old, or cannot start
     */
    public UcxTransferEngine(final String host, final long timeoutMs, final String netDevices)
    {
        this(host, timeoutMs, netDevices.isBlank() ? Map.of() : Map.of("NET_DEVICES", netDevices.strip()));
    }

    /**
     * An engine with UCX settings over the environment's ({@code UCX_*} names without the prefix, e.g.
     * {@code TLS -> tcp}), for tests and benchmarks that pick a transport per engine.
     */
    public UcxTransferEngine(final String host, final long timeoutMs, final Map<String, String> ucxSettings)
    {
        this.host = host;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.worker = new UcpWorker(ucxSettings);
        this.workerAddress = Base64.getEncoder().encodeToString(worker.address());
        final String tls = ucxSettings.getOrDefault("TLS", UcpWorker.environment("UCX_TLS"));
        final boolean peerFailure = detectsPeerFailure(tls);
        if (!peerFailure)
        {
            System.getLogger(UcxTransferEngine.class.getName()).log(System.Logger.Level.INFO, "UCX_TLS=" + tls
                + " cannot detect a dead peer: a batch to one ends DEADLINE after " + timeoutMs + " ms");
        }
        this.loop = new ProgressLoop(worker, peerFailure);
        this.thread = new Thread(this::runLoop, "kvtier-rdma-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void runLoop()
    {
        try
        {
            loop.run();
        }
        finally
        {
            for (final long[] m : mapped.values())
            {
                worker.memUnmap(m[1]);
            }
            for (final long[] m : exposedByBase.values())
            {
                if (!allocated.containsKey(m[0]))
                {
                    worker.memUnmap(m[1]);
                }
            }
            exposedByBase.clear();
            for (final long[] m : allocated.values())
            {
                worker.memUnmap(m[1]);
            }
            allocated.clear();
            worker.close();
            mapped.clear();
            held.clear();
        }
    }

    @Override
    public String protocol()
    {
        return PROTOCOL;
    }

    /** This engine's UCX worker address, base64 (what peers connect to). */
    public String workerAddress()
    {
        return workerAddress;
    }

    @Override
    public SegmentEndpoint expose(final String segment, final MemoryRegion region, final long baseAddress)
    {
        final long address = nativeAddress(region);
        if (address <= 0)
        {
            throw new IllegalArgumentException("expose " + segment + ": an RDMA segment needs direct memory "
                + "(ByteBuffer.allocateDirect or a mapped segment), not " + (region.buffer() == null
                ? "a virtual region" : "a heap buffer"));
        }
        if (address != baseAddress)
        {
            throw new IllegalArgumentException("expose " + segment + ": base 0x" + Long.toHexString(baseAddress)
                + " is not the region's native address 0x" + Long.toHexString(address) + "; remote keys address "
                + "real memory, so mount and expose the segment at its native address");
        }
        final String key = onLoop(() ->
        {
            final long[] own = allocated.get(address);
            final long memh = own != null ? own[1] : worker.memMap(address, region.length());
            exposedByBase.put(address, new long[] {address, memh});
            held.add(region);
            return Base64.getEncoder().encodeToString(worker.packRemoteKey(memh));
        });
        return new SegmentEndpoint(segment, PROTOCOL, host, 0, address, region.length(), workerAddress, key);
    }

    @Override
    public void withdraw(final SegmentEndpoint endpoint)
    {
        if (!closed)
        {
            loop.execute(() ->
            {
                final long[] m = exposedByBase.remove(endpoint.base());
                if (m != null && !allocated.containsKey(m[0]))
                {
                    worker.memUnmap(m[1]);
                }
            });
        }
    }

    /**
     * Segment memory allocated and registered by UCX ({@code UCP_MEM_MAP_ALLOCATE}: System V or POSIX shared memory
     * first), so that peers on this host move bytes one-sidedly instead of through this engine's progress thread;
     * over RDMA NICs it is registered memory like any other.
     */
    @Override
    public MemoryRegion allocateSegment(final long bytes)
    {
        final long[] own = onLoop(() ->
        {
            final long[] a = worker.memAllocate(bytes);
            allocated.put(a[1], new long[] {a[1], a[0]});
            return a;
        });
        return MemoryRegion.mapped(own[1], bytes, null);
    }

    /** Maps a node's region (direct or mapped memory); heap and virtual regions are left to fail their slices. */
    @Override
    public void register(final MemoryRegion region)
    {
        final long address = nativeAddress(region);
        if (address <= 0 || region.length() == 0 || closed)
        {
            return;
        }
        onLoop(() ->
        {
            mapped.computeIfAbsent(region, r -> new long[] {address, worker.memMap(address, r.length())});
            return null;
        });
    }

    @Override
    public void submit(final SegmentEndpoint peer, final List<TransferSlice> slices,
        final TransferCompletion completion)
    {
        if (!PROTOCOL.equals(peer.protocol()) || peer.workerAddress().isEmpty() || peer.remoteKey().isEmpty())
        {
            System.getLogger(UcxTransferEngine.class.getName()).log(System.Logger.Level.WARNING, "segment "
                + peer.segment() + " is served over '" + peer.protocol() + "', not rdma: every process of a "
                + "cluster must use the same protocol");
            completion.completed(TransferStatus.PEER_DEAD);
            return;
        }
        final RdmaBatch batch = new RdmaBatch(peer.segment(), peer.workerAddress(), peer.remoteKey(), slices.size(),
            System.nanoTime() + timeoutNanos, completion);
        for (int i = 0; i < slices.size(); i++)
        {
            final TransferSlice s = slices.get(i);
            final long local = nativeAddress(s.local());
            if (local <= 0 || !peer.covers(s.remoteAddress(), s.length()))
            {
                // refused before anything moves: a remote range outside the peer's registration, or local memory
                // the NIC cannot address
                completion.completed(TransferStatus.OUT_OF_RANGE);
                return;
            }
            batch.write[i] = s.write();
            batch.local[i] = local + s.localOffset();
            batch.remote[i] = s.remoteAddress();
            batch.length[i] = s.length();
        }
        if (closed)
        {
            completion.completed(TransferStatus.PEER_DEAD);
            return;
        }
        loop.execute(() -> loop.enqueue(batch));
    }

    /**
     * Whether UCX can detect a dead peer over the transports {@code tls} names ({@code UCX_TLS}): over tcp and the
     * verbs transports it can, over shared memory alone it cannot and refuses endpoints that ask (with an error
     * line), so there the deadline alone finds a dead peer.
     */
    static boolean detectsPeerFailure(final String tls)
    {
        if (tls.isBlank() || tls.startsWith("^"))
        {
            return true;
        }
        for (final String t : tls.split(","))
        {
            final String name = t.strip().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("all") || name.equals("tcp") || name.equals("ib") || name.startsWith("rc")
                || name.startsWith("dc") || name.startsWith("ud"))
            {
                return true;
            }
        }
        return false;
    }

    /** The native address of a region's first byte, or 0 for heap and virtual regions. */
    static long nativeAddress(final MemoryRegion region)
    {
        if (region.address() > 0)
        {
            return region.address();
        }
        final ByteBuffer b = region.buffer();
        if (b == null || !b.isDirect())
        {
            return 0;
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(b));
    }

    private <T> T onLoop(final Supplier<T> task)
    {
        if (Thread.currentThread() == thread)
        {
            return task.get();
        }
        final CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() ->
        {
            try
            {
                f.complete(task.get());
            }
            catch (final RuntimeException e)
            {
                f.completeExceptionally(e);
            }
        });
        try
        {
            return f.get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the rdma progress thread");
        }
        catch (final ExecutionException e)
        {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        catch (final TimeoutException e)
        {
            throw new IllegalStateException("the rdma progress thread did not answer in " + CALL_TIMEOUT_S + " s");
        }
    }

    /** Ends batches in flight with {@code PEER_DEAD}, closes endpoints, unmaps memory, destroys the worker. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        loop.stop();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
