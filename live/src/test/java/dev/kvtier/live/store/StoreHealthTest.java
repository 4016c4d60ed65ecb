package dev.kvtier.live.store;

import dev.kvtier.transport.tcp.transfer.RegisteredMemory;
import dev.kvtier.transport.tcp.transfer.TransferHeader;
import dev.kvtier.transport.tcp.transfer.TransferServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A data port I/O thread that dies is never silent: the server tells its listener (the store process exits with 70
 * on it), {@code /health} answers 503 with the reason and {@code kvtier_ready} drops to 0. The error is injected
 * through the close listener, which runs on the I/O thread when a connection is closed for bad input.
 */
class StoreHealthTest
{
    @Test
    void anErrorOnADataPortThreadIsToldAndMakesHealthNotReady() throws Exception
    {
        final RegisteredMemory memory = new RegisteredMemory();
        memory.register(ByteBuffer.allocateDirect(1 << 16));
        final TransferServer server = new TransferServer(memory, "127.0.0.1", 0, reason ->
        {
            throw new OutOfMemoryError("injected");
        }).start();
        try (StoreMetricsService http = new StoreMetricsService("127.0.0.1", 0, server).start())
        {
            final HttpClient client = HttpClient.newHttpClient();
            final URI health = URI.create("http://127.0.0.1:" + http.port() + "/health");
            final URI metrics = URI.create("http://127.0.0.1:" + http.port() + "/metrics");
            assertThat(get(client, health).statusCode()).isEqualTo(200);
            assertThat(get(client, metrics).body()).contains("kvtier_ready 1");
            final CompletableFuture<Throwable> told = new CompletableFuture<>();
            server.onFailure(told::complete);
            try (SocketChannel raw = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port())))
            {
                final ByteBuffer h = ByteBuffer.allocate(TransferHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                new TransferHeader(8, 0, 0x42).encode(h);
                raw.write(h.flip());
                assertThat(told.get(10, TimeUnit.SECONDS)).hasMessage("injected");
            }
            final HttpResponse<String> h = get(client, health);
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).contains("\"ready\":false", "injected");
            assertThat(get(client, metrics).body()).contains("kvtier_ready 0");
            final CompletableFuture<Throwable> late = new CompletableFuture<>();
            server.onFailure(late::complete);
            assertThat(late).as("a listener registered after the failure is told at once").isCompleted();
        }
        finally
        {
            server.closeAndAwait();
        }
    }

    private static HttpResponse<String> get(final HttpClient client, final URI uri) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
