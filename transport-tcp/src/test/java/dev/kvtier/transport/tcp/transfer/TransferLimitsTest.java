package dev.kvtier.transport.tcp.transfer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The data port's limits against real sockets: 3,000 idle connections (which used to cost 3,026 threads, one per
 * connection) add no thread and leave transfers served with exact bytes; a flood over the cap is refused at accept;
 * a half-sent header is closed after the stall timeout, a reader that stops reading too, an idle connection after
 * the idle timeout, and transfers are served again once the flood is gone.
 */
class TransferLimitsTest
{
    private static boolean within(final long ms, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + ms * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static void closeAll(final List<SocketChannel> chs)
    {
        for (final SocketChannel c : chs)
        {
            try
            {
                c.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }

    @Test
    void threeHundredIdleConnectionsAreHeldToTheCapAndTransfersResumeAfterwards() throws Exception
    {
        final RegisteredMemory memory = new RegisteredMemory();
        final long base = memory.register(ByteBuffer.allocateDirect(1 << 16));
        final TransferServer server = new TransferServer(memory, "127.0.0.1", 0,
            new TransferLimits(32, 30_000, 0), new java.util.concurrent.LinkedBlockingQueue<String>()::add).start();
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        final int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        final List<SocketChannel> flood = new ArrayList<>();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                flood.add(SocketChannel.open(address));
            }
            assertThat(within(10_000, () -> server.refusedConnections() >= 300 - 32)).isTrue();
            assertThat(server.connections()).isLessThanOrEqualTo(32);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                .as("threads added by 300 connections").isLessThanOrEqualTo(32 + 2);
        }
        finally
        {
            closeAll(flood);
        }
        assertThat(within(10_000, () -> server.connections() == 0)).isTrue();
        try (TransferLane lane = new TransferLane(address))
        {
            final ByteBuffer v = ByteBuffer.allocateDirect(1000);
            assertThat(lane.run(List.of(new TransferOp(true, base, v)))).containsExactly(0);
        }
        server.closeAndAwait();
    }

    private static ByteBuffer pattern(final int n, final int seed)
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(n);
        for (int i = 0; i < n; i++)
        {
            b.put((byte)(i * 17 + seed));
        }
        return b.flip();
    }

    /** Writes then reads back {@code bytes} on a fresh lane; true when every byte came back. */
    private static boolean roundTrip(final InetSocketAddress address, final long base, final int bytes,
        final int seed) throws IOException
    {
        try (TransferLane lane = new TransferLane(address))
        {
            final ByteBuffer value = pattern(bytes, seed);
            final ByteBuffer back = ByteBuffer.allocateDirect(bytes);
            return lane.run(List.of(new TransferOp(true, base, value)))[0] == TransferStatus.OK
                && lane.run(List.of(new TransferOp(false, base, back)))[0] == TransferStatus.OK
                && back.mismatch(value.rewind()) == -1;
        }
    }

    private static long transferThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("kvtier-transfer-")).count();
    }

    @Test
    void threeThousandIdleConnectionsAddNoThreadAndTransfersGoOnWithExactBytes() throws Exception
    {
        final RegisteredMemory memory = new RegisteredMemory();
        final long base = memory.register(ByteBuffer.allocateDirect(1 << 20));
        final TransferServer server = new TransferServer(memory, "127.0.0.1", 0,
            new TransferLimits(8192, 30_000, 0, 2), new java.util.concurrent.LinkedBlockingQueue<String>()::add)
            .start();
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int threadsBefore = threads.getThreadCount();
        final List<SocketChannel> flood = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3000; i++)
            {
                flood.add(SocketChannel.open(address));
            }
            assertThat(within(10_000, () -> server.connections() == 3000)).isTrue();
            assertThat(transferThreads()).as("the data port's threads: the acceptor and 2 I/O threads")
                .isEqualTo(3);
            assertThat(threads.getThreadCount() - threadsBefore).as("threads added by 3,000 idle connections")
                .isLessThanOrEqualTo(2);
            for (int i = 0; i < 8; i++)
            {
                assertThat(roundTrip(address, base, 1 << 20, i)).as("round trip %d during the flood", i).isTrue();
            }
            assertThat(server.refusedConnections()).isZero();
        }
        finally
        {
            closeAll(flood);
        }
        assertThat(within(10_000, () -> server.connections() == 0)).isTrue();
        assertThat(roundTrip(address, base, 1 << 20, 99)).isTrue();
        assertThat(server.closeAndAwait()).isTrue();
    }

    @Test
    void aReaderThatStopsReadingIsClosedAfterTheStallTimeoutWhileOthersAreServed() throws Exception
    {
        final RegisteredMemory memory = new RegisteredMemory();
        final int segmentBytes = 16 << 20;
        final long base = memory.register(ByteBuffer.allocateDirect(segmentBytes));
        final TransferServer server = new TransferServer(memory, "127.0.0.1", 0,
            new TransferLimits(32, 300, 0, 1), new java.util.concurrent.LinkedBlockingQueue<String>()::add).start();
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        try (SocketChannel stuck = SocketChannel.open(address))
        {
            // 8 pipelined 16 MiB READs: far more than the socket buffers hold, and never read
            final ByteBuffer headers = ByteBuffer.allocate(8 * TransferHeader.BYTES);
            for (int i = 0; i < 8; i++)
            {
                TransferHeader.read(base, segmentBytes).encode(headers);
            }
            stuck.write(headers.flip());
            assertThat(roundTrip(address, base, 4096, 7)).as("served while the other reader is stuck").isTrue();
            assertThat(within(10_000, () -> server.stalledConnections() == 1)).isTrue();
        }
        assertThat(within(10_000, () -> server.connections() == 0)).isTrue();
        assertThat(server.closeAndAwait()).isTrue();
    }

    @Test
    void aHalfSentHeaderIsClosedAfterTheStallTimeoutAndAnIdleConnectionAfterTheIdleTimeout() throws Exception
    {
        final RegisteredMemory memory = new RegisteredMemory();
        memory.register(ByteBuffer.allocateDirect(1 << 16));
        final TransferServer server = new TransferServer(memory, "127.0.0.1", 0,
            new TransferLimits(32, 200, 400), new java.util.concurrent.LinkedBlockingQueue<String>()::add).start();
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        try (SocketChannel half = SocketChannel.open(address); SocketChannel idle = SocketChannel.open(address))
        {
            half.write(ByteBuffer.allocate(10));
            assertThat(half.read(ByteBuffer.allocate(8))).as("closed by the server").isEqualTo(-1);
            assertThat(idle.read(ByteBuffer.allocate(8))).as("closed by the server").isEqualTo(-1);
            assertThat(server.stalledConnections()).isEqualTo(1);
            assertThat(server.idleConnectionsClosed()).isEqualTo(1);
        }
        server.closeAndAwait();
    }

    @Test
    void limitsFromTheEnvironmentNameTheVariableWhenWrong()
    {
        assertThat(TransferLimits.fromEnvironment(Map.of())).isEqualTo(TransferLimits.defaults());
        assertThat(TransferLimits.fromEnvironment(Map.of("KVTIER_TCP_MAX_CONNECTIONS", "8")).maxConnections())
            .isEqualTo(8);
        assertThatThrownBy(() -> TransferLimits.fromEnvironment(Map.of("KVTIER_TCP_STALL_TIMEOUT_MS", "soon")))
            .hasMessageContaining("KVTIER_TCP_STALL_TIMEOUT_MS");
    }
}
