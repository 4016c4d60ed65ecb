package dev.kvtier.live.runtime;

import dev.kvtier.live.client.SegmentDirectory;
import dev.kvtier.live.http.MetadataService;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.TransferRequest;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.transport.tcp.transfer.NativeMemory;
import dev.kvtier.transport.tcp.transfer.TcpTransferEngine;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Addressed transfers between live runtimes over real sockets on loopback, every port picked by the OS: what a
 * node writes into a peer's exposed segment arrives byte for byte and reads back, and each way a transfer can fail
 * reaches the node as the seam's status, on the node's thread.
 */
class LiveTransferTest
{
    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final long WAIT_SECONDS = 10;

    /** A transfer request the test hands a mover node. */
    private record Batch(List<TransferRequest> requests, long tag) implements Message
    {
    }

    private record Done(long tag, TransferStatus status, String thread)
    {
    }

    /** Exposes one direct buffer as a segment at its native address (or at {@code base} when given). */
    private static final class Holder implements Node
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(SEGMENT_BYTES);
        final String segment;
        final long base;
        final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();

        Holder(final String segment, final long base)
        {
            this.segment = segment;
            this.base = base;
        }

        long nativeBase()
        {
            return NativeMemory.addressOf(memory);
        }

        @Override
        public void onStart(final NodeContext ctx)
        {
            final int region = ctx.register(MemoryRegion.of(memory));
            try
            {
                ctx.expose(segment, region, base == 0 ? nativeBase() : base);
            }
            catch (final IllegalArgumentException e)
            {
                refusals.add(e.getMessage());
            }
        }

        @Override
        public void onMessage(final NodeId from, final Message message)
        {
        }

        @Override
        public void onTimer(final long timerId)
        {
        }
    }

    /** Owns a source region (0) and a destination region (1) and runs the batches it is sent. */
    private static final class Mover implements Node
    {
        final ByteBuffer source = ByteBuffer.allocateDirect(SEGMENT_BYTES);
        final ByteBuffer destination = ByteBuffer.allocateDirect(SEGMENT_BYTES);
        final BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        private NodeContext ctx;

        Mover()
        {
            for (int i = 0; i < SEGMENT_BYTES; i++)
            {
                source.put(i, (byte)(i * 31 + 7));
            }
        }

        @Override
        public void onStart(final NodeContext ctx)
        {
            this.ctx = ctx;
            assertThat(ctx.register(MemoryRegion.of(source))).isZero();
            assertThat(ctx.register(MemoryRegion.of(destination))).isOne();
        }

        @Override
        public void onMessage(final NodeId from, final Message message)
        {
            final Batch b = (Batch)message;
            ctx.transfer(TransferBatch.of(b.requests().toArray(TransferRequest[]::new)), b.tag());
        }

        @Override
        public void onTimer(final long timerId)
        {
        }

        @Override
        public void onTransferDone(final long tag, final TransferStatus status)
        {
            done.add(new Done(tag, status, Thread.currentThread().getName()));
        }

        Done run(final NodeRunner runner, final long tag, final TransferRequest... requests) throws InterruptedException
        {
            runner.deliver(new NodeId(-1, "test"), new Batch(List.of(requests), tag), 0);
            final Done d = done.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(d).as("completion of batch " + tag).isNotNull();
            assertThat(d.tag()).isEqualTo(tag);
            return d;
        }
    }

    /** The HTTP directory, noting which threads looked segments up. */
    private static final class WatchedDirectory implements EndpointDirectory
    {
        final EndpointDirectory inner;
        final List<String> lookupThreads = new CopyOnWriteArrayList<>();

        WatchedDirectory(final EndpointDirectory inner)
        {
            this.inner = inner;
        }

        @Override
        public void publish(final SegmentEndpoint endpoint) throws IOException
        {
            inner.publish(endpoint);
        }

        @Override
        public void withdraw(final String segment)
        {
            inner.withdraw(segment);
        }

        @Override
        public SegmentEndpoint cached(final String segment)
        {
            return inner.cached(segment);
        }

        @Override
        public SegmentEndpoint lookup(final String segment) throws IOException
        {
            lookupThreads.add(Thread.currentThread().getName());
            return inner.lookup(segment);
        }

        @Override
        public void invalidate(final String segment)
        {
            inner.invalidate(segment);
        }
    }

    private static LiveRuntime runtime(final EndpointDirectory directory, final long timeoutMs)
    {
        return new LiveRuntime().transfers(TcpTransferEngine.open("127.0.0.1", timeoutMs), directory);
    }

    @Test
    void shouldWriteIntoAPeersSegmentAndReadItBackOverLoopback() throws Exception
    {
        try (MetadataService metadata = new MetadataService("127.0.0.1", 0, "/metadata").start())
        {
            final String url = "http://127.0.0.1:" + metadata.port() + "/metadata";
            final WatchedDirectory directory = new WatchedDirectory(new SegmentDirectory(url));
            final Holder holder = new Holder("holder", 0);
            final Mover mover = new Mover();
            try (LiveRuntime a = runtime(new SegmentDirectory(url), 5000);
                 LiveRuntime b = runtime(directory, 5000))
            {
                a.add("holder", holder);
                final NodeRunner runner = b.add("mover", mover);
                a.start();
                b.start();
                final SegmentEndpoint published = a.exposed("holder").get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(published.base()).isEqualTo(holder.nativeBase());
                final long base = holder.nativeBase();

                final Done write = mover.run(runner, 1, TransferRequest.write("holder", base + 100, 0, 0, 4096),
                    TransferRequest.write("holder", base + 8192, 0, 4096, 4096));
                assertThat(write.status()).isEqualTo(TransferStatus.OK);
                assertThat(write.thread()).isEqualTo("kvtier-node-mover");
                assertThat(holder.memory.slice(100, 4096)).isEqualTo(mover.source.slice(0, 4096));
                assertThat(holder.memory.slice(8192, 4096)).isEqualTo(mover.source.slice(4096, 4096));

                final Done read = mover.run(runner, 2, TransferRequest.read("holder", base + 100, 1, 0, 4096),
                    TransferRequest.read("holder", base + 8192, 1, 4096, 4096));
                assertThat(read.status()).isEqualTo(TransferStatus.OK);
                assertThat(mover.destination.slice(0, 8192)).isEqualTo(mover.source.slice(0, 8192));
            }
            assertThat(directory.lookupThreads).isNotEmpty().allMatch(t -> t.startsWith("kvtier-transfer-directory"));
        }
    }

    @Test
    void shouldEndPeerDeadWhenThePeersServerIsClosedOrTheSegmentIsUnknown() throws Exception
    {
        final LocalDirectory directory = new LocalDirectory();
        final ByteBuffer memory = ByteBuffer.allocateDirect(SEGMENT_BYTES);
        final SegmentEndpoint gone;
        try (TcpTransferEngine peer = TcpTransferEngine.open("127.0.0.1", 5000))
        {
            gone = peer.expose("gone", MemoryRegion.of(memory), NativeMemory.addressOf(memory));
        }
        directory.publish(gone);
        final Mover mover = new Mover();
        try (LiveRuntime rt = runtime(directory, 5000))
        {
            final NodeRunner runner = rt.add("mover", mover);
            rt.start();
            assertThat(mover.run(runner, 1, TransferRequest.write("gone", gone.base(), 0, 0, 1024)).status())
                .isEqualTo(TransferStatus.PEER_DEAD);
            assertThat(mover.run(runner, 2, TransferRequest.read("nobody", 0x1000, 1, 0, 1024)).status())
                .isEqualTo(TransferStatus.PEER_DEAD);
        }
    }

    @Test
    void shouldEndOutOfRangeWhenThePeerRefusesTheRangeOrTheLocalRangeIsOutsideTheRegion() throws Exception
    {
        final LocalDirectory directory = new LocalDirectory();
        final Holder holder = new Holder("holder", 0);
        final Mover mover = new Mover();
        try (LiveRuntime rt = runtime(directory, 5000))
        {
            rt.add("holder", holder);
            final NodeRunner runner = rt.add("mover", mover);
            rt.start();
            final long base = rt.exposed("holder").get(WAIT_SECONDS, TimeUnit.SECONDS).base();

            final Done refused = mover.run(runner, 1, TransferRequest.write("holder", base, 0, 0, 1024),
                TransferRequest.write("holder", base + SEGMENT_BYTES - 10, 0, 0, 1024));
            assertThat(refused.status()).isEqualTo(TransferStatus.OUT_OF_RANGE);
            final Done localOutside = mover.run(runner, 2,
                TransferRequest.write("holder", base, 0, SEGMENT_BYTES - 10, 1024));
            assertThat(localOutside.status()).isEqualTo(TransferStatus.OUT_OF_RANGE);
            final Done noRegion = mover.run(runner, 3, TransferRequest.write("holder", base, 9, 0, 1024));
            assertThat(noRegion.status()).isEqualTo(TransferStatus.OUT_OF_RANGE);
            // a refusal leaves the lane usable
            assertThat(mover.run(runner, 4, TransferRequest.write("holder", base, 0, 0, 1024)).status())
                .isEqualTo(TransferStatus.OK);
        }
    }

    @Test
    void shouldEndDeadlineWhenThePeerAcceptsAndNeverAnswers() throws Exception
    {
        final List<SocketChannel> held = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel hung = ServerSocketChannel.open())
        {
            hung.bind(new InetSocketAddress("127.0.0.1", 0));
            final Thread acceptor = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        held.add(hung.accept());
                    }
                }
                catch (final IOException closed)
                {
                    // the test is over
                }
            }, "hung-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            final LocalDirectory directory = new LocalDirectory();
            directory.publish(new SegmentEndpoint("hung", "tcp", "127.0.0.1",
                ((InetSocketAddress)hung.getLocalAddress()).getPort(), 0x10000, SEGMENT_BYTES));
            final Mover mover = new Mover();
            try (LiveRuntime rt = runtime(directory, 300))
            {
                final NodeRunner runner = rt.add("mover", mover);
                rt.start();
                final long startNs = System.nanoTime();
                final Done d = mover.run(runner, 1, TransferRequest.write("hung", 0x10000, 0, 0, 1024));
                final long tookMs = (System.nanoTime() - startNs) / 1_000_000;
                assertThat(d.status()).isEqualTo(TransferStatus.DEADLINE);
                assertThat(tookMs).isBetween(300L, (WAIT_SECONDS - 1) * 1000);
                assertThat(held).isNotEmpty();
            }
        }
        finally
        {
            for (final SocketChannel c : held)
            {
                c.close();
            }
        }
    }

    @Test
    void shouldRefuseToExposeASegmentAtABaseThatIsNotItsNativeAddress() throws Exception
    {
        final Holder holder = new Holder("elsewhere", 0x7f00_0000_0000L);
        try (LiveRuntime rt = runtime(new LocalDirectory(), 5000))
        {
            rt.add("holder", holder);
            rt.start();
            final String why = holder.refusals.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(why).contains("not the region's native address").contains("0x7f0000000000");
            assertThat(rt.exposed("elsewhere")).isCompletedExceptionally();
        }
    }

    @Test
    void shouldMoveBytesBetweenTwoNodesOfOneRuntime() throws Exception
    {
        final Holder holder = new Holder("local", 0);
        final Mover mover = new Mover();
        try (LiveRuntime rt = runtime(new LocalDirectory(), 5000))
        {
            rt.add("holder", holder);
            final NodeRunner runner = rt.add("mover", mover);
            rt.start();
            final long base = rt.exposed("local").get(WAIT_SECONDS, TimeUnit.SECONDS).base();
            final List<TransferRequest> writes = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                writes.add(TransferRequest.write("local", base + i * 4096L, 0, i * 4096L, 4096));
            }
            assertThat(mover.run(runner, 1, writes.toArray(TransferRequest[]::new)).status())
                .isEqualTo(TransferStatus.OK);
            assertThat(holder.memory).isEqualTo(mover.source);
        }
    }
}
