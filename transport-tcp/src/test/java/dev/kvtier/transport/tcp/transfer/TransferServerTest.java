package dev.kvtier.transport.tcp.transfer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Mooncake TCP data plane against a real server socket on loopback. */
class TransferServerTest
{
    private final RegisteredMemory memory = new RegisteredMemory();
    private final LinkedBlockingQueue<String> closeReasons = new LinkedBlockingQueue<>();
    private ByteBuffer segment;
    private long base;
    private TransferServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException
    {
        segment = ByteBuffer.allocateDirect(1 << 20);
        base = memory.register(segment);
        server = new TransferServer(memory, "127.0.0.1", 0, closeReasons::add).start();
        address = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() throws IOException
    {
        server.closeAndAwait();
    }

    private static ByteBuffer pattern(final int n, final int seed)
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(n);
        for (int i = 0; i < n; i++)
        {
            b.put((byte)(i * 31 + seed));
        }
        return b.flip();
    }

    @Test
    void pipelinedWritesThenReadsMoveExactBytesAcrossSlices() throws IOException
    {
        try (TransferLane lane = new TransferLane(address))
        {
            final ByteBuffer a = pattern(200_000, 1);
            final ByteBuffer b = pattern(70_000, 2);
            assertThat(lane.run(List.of(new TransferOp(true, base, a), new TransferOp(true, base + 300_000, b))))
                .containsExactly(0, 0);
            final ByteBuffer ra = ByteBuffer.allocateDirect(200_000);
            final ByteBuffer rb = ByteBuffer.allocateDirect(70_000);
            assertThat(lane.run(List.of(new TransferOp(false, base, ra), new TransferOp(false, base + 300_000, rb))))
                .containsExactly(0, 0);
            assertThat(ra.mismatch(a)).isEqualTo(-1);
            assertThat(rb.mismatch(b)).isEqualTo(-1);
            assertThat(segment.get(300_000)).isEqualTo(b.get(0));
        }
        assertThat(server.bytesIn()).isEqualTo(270_000);
        assertThat(server.bytesOut()).isEqualTo(270_000);
    }

    @Test
    void aSharedMemorySegmentServesReadsThroughSendfileWithTheSameBytes() throws Exception
    {
        try (SharedSegment shared = SharedSegment.create("test-segment", 3 << 20, 0))
        {
            memory.register(shared.base(), shared.length(), shared.file());
            try (TransferLane lane = new TransferLane(address))
            {
                final ByteBuffer a = pattern(1 << 20, 5);
                final ByteBuffer b = pattern(5000, 6);
                assertThat(lane.run(List.of(new TransferOp(true, shared.base() + 4096, a),
                    new TransferOp(true, shared.base() + (2 << 20), b)))).containsExactly(0, 0);
                assertThat(NativeMemory.view(shared.base() + 4096, 16).get(3)).as("written through the mapping")
                    .isEqualTo(a.get(3));
                final ByteBuffer ra = ByteBuffer.allocateDirect(1 << 20);
                final ByteBuffer rb = ByteBuffer.allocateDirect(5000);
                assertThat(lane.run(List.of(new TransferOp(false, shared.base() + 4096, ra),
                    new TransferOp(false, shared.base() + (2 << 20), rb),
                    new TransferOp(false, shared.base() + shared.length() - 10, ByteBuffer.allocateDirect(20)))))
                    .containsExactly(0, 0, 1);
                assertThat(ra.mismatch(a)).isEqualTo(-1);
                assertThat(rb.mismatch(b)).isEqualTo(-1);
            }
            memory.unregister(shared.base());
            server.closeAndAwait();
        }
    }

    @Test
    void rangesOutsideTheRegistrationAreRejectedAndTheLaneStaysUsable() throws IOException
    {
        try (TransferLane lane = new TransferLane(address))
        {
            final ByteBuffer dst = ByteBuffer.allocateDirect(16);
            dst.put(0, (byte)77);
            final List<TransferOp> ops = List.of(
                new TransferOp(false, base + (1 << 20) - 8, dst),  // straddles the end
                new TransferOp(false, base - 16, dst.duplicate()), // before the start
                new TransferOp(true, 0x10, pattern(16, 3)),        // nowhere
                new TransferOp(false, base, dst.duplicate()));     // fine
            assertThat(lane.run(ops)).containsExactly(1, 1, 1, 0);
            assertThat(server.rejectedRequests()).isEqualTo(3);
            assertThat(lane.run(List.of(new TransferOp(false, base, ByteBuffer.allocateDirect(8)))))
                .containsExactly(0);
        }
        assertThat(memory.contains(base, Long.MAX_VALUE)).isFalse();
        assertThat(memory.contains(Long.MAX_VALUE, 16)).isFalse();
    }

    private static ByteBuffer header(final long size, final long addr, final int opcode)
    {
        final ByteBuffer h = ByteBuffer.allocate(TransferHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        new TransferHeader(size, addr, opcode).encode(h);
        return h.flip();
    }

    private String closeReasonAfter(final ByteBuffer... sent) throws Exception
    {
        try (SocketChannel raw = SocketChannel.open(address))
        {
            for (final ByteBuffer b : sent)
            {
                raw.write(b);
            }
            raw.shutdownOutput();
            final String reason = closeReasons.poll(10, TimeUnit.SECONDS);
            final ByteBuffer rest = ByteBuffer.allocate(64);
            while (raw.read(rest) >= 0)
            {
                assertThat(rest.position()).as("at most a status frame before the close").isLessThanOrEqualTo(8);
            }
            return reason;
        }
    }

    @Test
    void garbageTruncatedAndOversizedRequestsCloseOnlyThatConnection() throws Exception
    {
        assertThat(closeReasonAfter(header(8, base, 0x42))).isEqualTo("unknown transfer opcode 0x42");
        assertThat(closeReasonAfter(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5})))
            .isEqualTo("truncated transfer header (5 of 24 bytes)");
        assertThat(closeReasonAfter(header(1000, base, TransferHeader.WRITE | TransferHeader.V2_FLAG),
            ByteBuffer.allocate(10))).isEqualTo("connection ended inside a WRITE payload");
        assertThat(closeReasonAfter(header(1L << 40, base, TransferHeader.WRITE | TransferHeader.V2_FLAG)))
            .contains("outside the registered memory and too large to drain");
        assertThat(closeReasonAfter(header(8, 0x10, TransferHeader.READ))).contains("(v1 peer: closing)");

        try (TransferLane lane = new TransferLane(address))
        {
            assertThat(lane.run(List.of(new TransferOp(true, base, pattern(64, 9))))).containsExactly(0);
        }
    }

    @Test
    void aPeerThatDiesMidTransferIsACleanErrorAndTheWatchdogEndsHungPeers() throws Exception
    {
        final java.nio.channels.ServerSocketChannel silent = java.nio.channels.ServerSocketChannel.open()
            .bind(new InetSocketAddress("127.0.0.1", 0));
        try (TransferClient client = new TransferClient(2, 300))
        {
            final InetSocketAddress hung = (InetSocketAddress)silent.getLocalAddress();
            assertThatThrownBy(() -> client.run(hung, List.of(new TransferOp(false, 0, ByteBuffer.allocateDirect(8)))))
                .isInstanceOf(TransferException.class).hasMessageContaining("no answer within 300 ms");
            server.closeAndAwait();
            assertThatThrownBy(() -> client.run(address, List.of(new TransferOp(false, base,
                ByteBuffer.allocateDirect(8))))).isInstanceOf(TransferException.class);
        }
        finally
        {
            silent.close();
        }
    }
}
