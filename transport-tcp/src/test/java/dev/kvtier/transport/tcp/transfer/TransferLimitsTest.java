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
 * The data port's limits against real sockets: a flood of idle connections (3,000 used to cost 3,026 threads) is
 * held to the connection cap, a half-sent header is closed after the stall timeout, an idle connection after the
 * idle timeout, and transfers are served again once the flood is gone.
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
