package dev.kvtier.transport.tcp.transfer;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.model.transfer.TransferSlice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Mooncake TCP data plane behind the runtime's {@link TransferEngine}: one {@link TransferServer} serving every
 * exposed segment from {@link RegisteredMemory}, and a {@link TransferClient} whose blocking, pipelined batches run
 * on this engine's own transfer threads so that {@link #submit} returns at once. Peers address real memory (the
 * server resolves requests by virtual address), so a segment can only be exposed at its region's native address:
 * a different base is refused rather than translated, because a translated base could collide with another
 * segment's real range in the one registration table.
 */
public final class TcpTransferEngine implements TransferEngine
{
    /** The protocol name in published descriptors. */
    public static final String PROTOCOL = "tcp";
    private static final System.Logger LOG = System.getLogger(TcpTransferEngine.class.getName());

    private final String host;
    private final RegisteredMemory memory = new RegisteredMemory();
    private final TransferServer server;
    private final TransferClient client;
    private final ExecutorService threads;

    /**
     * @param host         the address to bind and to advertise
     * @param port         the data port, 0 for one the OS picks
     * @param lanesPerPeer persistent connections per peer ({@code MC_TCP_LANES_PER_PEER})
     * @param timeoutMs    a batch's time limit before it ends {@code DEADLINE} ({@code MC_TCP_STATUS_TIMEOUT_SEC})
     * @param threadCount  transfer threads running batches (each blocks on one peer's lane)
     */
    public TcpTransferEngine(final String host, final int port, final int lanesPerPeer, final long timeoutMs,
        final int threadCount) throws IOException
    {
        this(host, port, lanesPerPeer, timeoutMs, threadCount, TransferLimits.fromEnvironment(System.getenv()));
    }

    /** @param limits what the data port lets peers hold (connections, stalled and idle time) */
    public TcpTransferEngine(final String host, final int port, final int lanesPerPeer, final long timeoutMs,
        final int threadCount, final TransferLimits limits) throws IOException
    {
        this.host = host;
        this.server = new TransferServer(memory, host, port, limits, reason -> { }).start();
        this.client = new TransferClient(lanesPerPeer, timeoutMs);
        final AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threadCount, r ->
        {
            final Thread t = new Thread(r, "kvtier-transfer-" + server.port() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** An engine on {@code host} with an OS-picked port, 4 lanes per peer and 4 transfer threads. */
    public static TcpTransferEngine open(final String host, final long timeoutMs)
    {
        try
        {
            return new TcpTransferEngine(host, 0, 4, timeoutMs, 4);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot bind a transfer port on " + host, e);
        }
    }

    public int port()
    {
        return server.port();
    }

    /** The data port's server, for its limits and counters. */
    public TransferServer server()
    {
        return server;
    }

    @Override
    public String protocol()
    {
        return PROTOCOL;
    }

    @Override
    public SegmentEndpoint expose(final String segment, final MemoryRegion region, final long baseAddress)
    {
        final ByteBuffer buffer = region.buffer();
        if (region.address() > 0)
        {
            return exposeAt(segment, region, region.address(), baseAddress);
        }
        if (buffer == null || !buffer.isDirect())
        {
            throw new IllegalArgumentException("expose " + segment + ": a live segment needs direct memory "
                + "(ByteBuffer.allocateDirect or a mapped segment), not " + (buffer == null ? "a virtual region"
                : "a heap buffer"));
        }
        return exposeAt(segment, region, NativeMemory.addressOf(buffer), baseAddress);
    }

    private SegmentEndpoint exposeAt(final String segment, final MemoryRegion region, final long address,
        final long baseAddress)
    {
        if (address != baseAddress)
        {
            throw new IllegalArgumentException("expose " + segment + ": base 0x" + Long.toHexString(baseAddress)
                + " is not the region's native address 0x" + Long.toHexString(address) + "; over TCP peers address "
                + "real memory, so mount and expose the segment at its native address");
        }
        if (region.attachment() instanceof java.nio.channels.FileChannel file)
        {
            // a shared mapping: READs of it leave through sendfile, one copy per byte instead of two
            memory.register(address, region.length(), file);
        }
        else
        {
            memory.register(address, region.length());
        }
        return new SegmentEndpoint(segment, PROTOCOL, host, server.port(), address, region.length());
    }

    @Override
    public void withdraw(final SegmentEndpoint endpoint)
    {
        memory.unregister(endpoint.base());
    }

    @Override
    public void submit(final SegmentEndpoint peer, final List<TransferSlice> slices,
        final TransferCompletion completion)
    {
        final Batch batch = new Batch(peer, slices, completion);
        try
        {
            threads.execute(batch);
        }
        catch (final RejectedExecutionException e)
        {
            completion.completed(dev.kvtier.model.node.TransferStatus.PEER_DEAD);
        }
    }

    /** A submitted batch, kept whole so that closing the engine can still complete the ones not started. */
    private final class Batch implements Runnable
    {
        private final SegmentEndpoint peer;
        private final List<TransferSlice> slices;
        private final TransferCompletion completion;

        Batch(final SegmentEndpoint peer, final List<TransferSlice> slices, final TransferCompletion completion)
        {
            this.peer = peer;
            this.slices = slices;
            this.completion = completion;
        }

        @Override
        public void run()
        {
            completion.completed(TcpTransferEngine.this.run(peer, slices));
        }
    }

    /** Runs one batch on a transfer thread and turns its outcome into the seam's status. */
    private dev.kvtier.model.node.TransferStatus run(final SegmentEndpoint peer, final List<TransferSlice> slices)
    {
        final InetSocketAddress address = new InetSocketAddress(peer.host(), peer.port());
        final List<TransferOp> ops = new ArrayList<>(slices.size());
        for (final TransferSlice s : slices)
        {
            final ByteBuffer local = s.local().buffer().duplicate();
            local.limit((int)(s.localOffset() + s.length())).position((int)s.localOffset());
            ops.add(new TransferOp(s.write(), s.remoteAddress(), local));
        }
        try
        {
            final int[] codes = client.run(address, ops);
            for (final int code : codes)
            {
                if (code != TransferStatus.OK)
                {
                    return dev.kvtier.model.node.TransferStatus.OUT_OF_RANGE;
                }
            }
            return dev.kvtier.model.node.TransferStatus.OK;
        }
        catch (final TransferException e)
        {
            LOG.log(System.Logger.Level.WARNING, "transfer to segment " + peer.segment() + " failed: "
                + e.getMessage());
            client.forget(address);
            return e.timedOut() ? dev.kvtier.model.node.TransferStatus.DEADLINE
                : dev.kvtier.model.node.TransferStatus.PEER_DEAD;
        }
        catch (final RuntimeException e)
        {
            LOG.log(System.Logger.Level.ERROR, "transfer to segment " + peer.segment() + " failed", e);
            client.forget(address);
            return dev.kvtier.model.node.TransferStatus.PEER_DEAD;
        }
    }

    @Override
    public void close()
    {
        // interrupting a transfer thread closes its lane, so a batch in flight ends PEER_DEAD instead of hanging
        for (final Runnable notStarted : threads.shutdownNow())
        {
            ((Batch)notStarted).completion.completed(dev.kvtier.model.node.TransferStatus.PEER_DEAD);
        }
        client.close();
        try
        {
            server.closeAndAwait();
        }
        catch (final IOException e)
        {
            LOG.log(System.Logger.Level.WARNING, "closing the transfer server: " + e.getMessage());
        }
    }
}
