package dev.kvtier.live.master;

import dev.kvtier.live.bench.StoreBench;
import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.transport.tcp.rpc.RpcLimits;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master under the floods that used to take it down, scaled to small limits: connections that declare the
 * largest frame and send almost all of it, half-sent frames, more connections than allowed. Each time the master
 * stays within its budget, counts what it refused, and serves a store-bench with 0 errors during and after.
 */
class MasterLimitsTest
{
    private static final int FRAME = 1 << 20;
    private static final long BUDGET = 8L << 20;

    private static MasterServer master(final RpcLimits limits) throws Exception
    {
        return new MasterServer(new MasterOptions("127.0.0.1", 0, true, "127.0.0.1", 0, "127.0.0.1", 0, true,
            MasterConfig.defaults()).withRpcLimits(limits)).start();
    }

    private static String metrics(final MasterServer m) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + m.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(final String text, final String name)
    {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
            l.substring(name.length() + 1).trim())).findFirst()
            .orElseThrow(() -> new AssertionError(name + " missing"));
    }

    private static StoreBench.Result bench(final MasterServer m) throws Exception
    {
        return StoreBench.run(new StoreBench.Options("127.0.0.1:" + m.rpcPort(), "http://127.0.0.1:"
            + m.metadataPort() + "/metadata", 2, 64 * 1024, 64, 1));
    }

    /** A connection that declares a {@code declared}-byte frame and sends {@code sent} bytes of it. */
    private static SocketChannel unfinishedFrame(final int port, final int declared, final int sent) throws Exception
    {
        final SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        final ByteBuffer b = ByteBuffer.allocate(4 + sent).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(declared).put((byte)1).put((byte)1);
        b.position(4 + sent).flip();
        ch.configureBlocking(false);
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (b.hasRemaining() && System.nanoTime() < deadline)
        {
            if (ch.write(b) == 0)
            {
                Thread.sleep(1);
            }
        }
        return ch;
    }

    private static void closeAll(final List<SocketChannel> chs)
    {
        for (final SocketChannel c : chs)
        {
            try
            {
                c.close();
            }
            catch (final java.io.IOException ignored)
            {
                // closing anyway
            }
        }
    }

    @Test
    void fortyConnectionsSendingNearlyWholeLargestFramesStayWithinTheBudgetAndTheBenchPasses() throws Exception
    {
        try (StoreFixture f = new StoreFixture(master(new RpcLimits(1024, FRAME, BUDGET, 60_000, 600_000))))
        {
            final List<SocketChannel> flood = new ArrayList<>();
            try
            {
                for (int i = 0; i < 40; i++)
                {
                    flood.add(unfinishedFrame(f.master.rpcPort(), FRAME, FRAME - FRAME / 16));
                }
                final StoreBench.Result during = bench(f.master);
                assertThat(during.errors()).as("errors during the flood: %s", during.errorsByCause()).isZero();
                assertThat(during.mismatches()).isZero();
                // the master reads the flood as its bytes come off the sockets: wait (bounded) for it to pass the
                // budget rather than sample a moment when the kernel may still hold some of them
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (metric(metrics(f.master), "kvtier_rpc_over_budget_total") == 0 && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                final String m = metrics(f.master);
                assertThat(metric(m, "kvtier_rpc_buffered_bytes")).isLessThanOrEqualTo(BUDGET);
                assertThat(metric(m, "kvtier_rpc_over_budget_total")).as("connections past the budget closed")
                    .isGreaterThan(0);
                assertThat(metric(m, "kvtier_rpc_max_buffered_bytes")).isEqualTo(BUDGET);
            }
            finally
            {
                closeAll(flood);
            }
            final StoreBench.Result after = bench(f.master);
            assertThat(after.errors()).isZero();
            assertThat(f.master.failure()).isNull();
        }
    }

    @Test
    void aFrameNotFinishedInTimeClosesItsConnection() throws Exception
    {
        try (StoreFixture f = new StoreFixture(master(new RpcLimits(1024, FRAME, BUDGET, 300, 600_000))))
        {
            try (SocketChannel slow = unfinishedFrame(f.master.rpcPort(), 1000, 10))
            {
                slow.configureBlocking(true);
                final ByteBuffer sink = ByteBuffer.allocate(4096);
                int n;
                do
                {
                    sink.clear();
                    n = slow.read(sink);
                }
                while (n > 0);
                assertThat(n).as("the master closed the slow connection").isEqualTo(-1);
            }
            assertThat(metric(metrics(f.master), "kvtier_rpc_frame_deadline_closes_total")).isEqualTo(1);
            assertThat(bench(f.master).errors()).isZero();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtAcceptAndConnectedClientsAreServed() throws Exception
    {
        try (StoreFixture f = new StoreFixture(master(new RpcLimits(16, FRAME, BUDGET, 60_000, 600_000))))
        {
            final List<SocketChannel> idle = new ArrayList<>();
            try
            {
                for (int i = 0; i < 40; i++)
                {
                    idle.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", f.master.rpcPort())));
                }
                final long deadline = System.nanoTime() + 10_000_000_000L;
                while (metric(metrics(f.master), "kvtier_rpc_refused_connections_total") < 40 - 15
                    && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                final String m = metrics(f.master);
                assertThat(metric(m, "kvtier_rpc_connections")).isLessThanOrEqualTo(16);
                assertThat(metric(m, "kvtier_rpc_refused_connections_total")).isGreaterThanOrEqualTo(40 - 15);
                assertThat(f.store.put("still-served", new byte[] {7})).isZero();
                assertThat(f.store.get("still-served")).containsExactly(7);
            }
            finally
            {
                closeAll(idle);
            }
            assertThat(bench(f.master).errors()).isZero();
        }
    }

    @Test
    void anErrorOnTheMastersThreadMakesHealthNotReadyAndIsReported() throws Exception
    {
        try (MasterServer m = master(RpcLimits.defaults()))
        {
            final java.util.concurrent.CompletableFuture<Throwable> told =
                new java.util.concurrent.CompletableFuture<>();
            m.onFailure(told::complete);
            final HttpClient http = HttpClient.newHttpClient();
            final URI health = URI.create("http://127.0.0.1:" + m.metricsPort() + "/health");
            assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
            m.runner().submit(() ->
            {
                throw new OutOfMemoryError("injected");
            });
            assertThat(told.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasMessage("injected");
            final HttpResponse<String> h = http.send(HttpRequest.newBuilder(health).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).contains("\"ready\":false", "injected");
            assertThat(metric(metrics(m), "kvtier_ready")).isZero();
        }
    }

    /** A master with one store contributing a segment (connected before any flood). */
    private static final class StoreFixture implements AutoCloseable
    {
        final MasterServer master;
        final DistributedStore store;

        StoreFixture(final MasterServer master)
        {
            this.master = master;
            this.store = DistributedStore.setup(new StoreConfig("127.0.0.1", "http://127.0.0.1:"
                + master.metadataPort() + "/metadata", "127.0.0.1:" + master.rpcPort(), "tcp", "", 32 << 20,
                1 << 20));
        }

        @Override
        public void close() throws Exception
        {
            store.close();
            master.close();
        }
    }
}
