package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Floods of idle connections against real {@code kvtier master} and {@code kvtier store} processes: 3,000 on the
 * store's data port leave its threads where they were (they used to take one each) and store-bench gets 0 errors
 * during and after, as the store's {@code /metrics} shows them; idle connections on the metadata service, under its
 * connection cap, leave GET and PUT served, and over the cap they are refused for at most the request time, after
 * which the server has closed the silent ones and serves again.
 */
class ServerFloodProcessTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String get(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The status line's code of one request on a connection of its own (no pooled one), -1 if refused. */
    private static int request(final int port, final String method, final String key, final String body)
    {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port))
        {
            s.setSoTimeout(5000);
            final byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            s.getOutputStream().write((method + " /metadata?key=" + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            final String answer = new String(s.getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
            return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
        }
        catch (final IOException | RuntimeException refused)
        {
            return -1;
        }
    }

    /** True when a PUT and then a GET of {@code key}, each on a new connection, were answered 200. */
    private static boolean served(final int port, final String key)
    {
        return request(port, "PUT", key, "{\"v\":1}") == 200 && request(port, "GET", key, "") == 200;
    }

    private static boolean within(final long ms, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + ms * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static int threads(final KvtierProcess p) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")))
        {
            if (line.startsWith("Threads:"))
            {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IllegalStateException("no Threads line for " + p.pid());
    }

    /** Threads named kvtier-transfer-… (the kernel keeps 15 characters of a thread's name). */
    private static long transferThreads(final KvtierProcess p) throws IOException
    {
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + p.pid() + "/task")))
        {
            return tasks.filter(t ->
            {
                try
                {
                    return Files.readString(t.resolve("comm")).trim().equals("kvtier-transfer");
                }
                catch (final IOException gone)
                {
                    return false;
                }
            }).count();
        }
    }

    private static double metric(final String page, final String name)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(page);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static List<SocketChannel> idle(final int port, final int count)
    {
        final List<SocketChannel> out = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            try
            {
                out.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
            }
            catch (final IOException refused)
            {
                // over a cap the server closes at accept; the connect itself still succeeds on loopback
            }
        }
        return out;
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

    private static long benchErrors(final String rpc, final String metadata) throws Exception
    {
        final CliRun bench = CliRun.of("store-bench", "--master", rpc, "--metadata-server", metadata, "--clients",
            "2", "--value-size", "64kb", "--ops", "256", "--json");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        final JsonNode r = new ObjectMapper().readTree(bench.out());
        assertThat(r.path("mismatches").asLong()).isZero();
        return r.path("errors").asLong();
    }

    @Test
    void idleFloodsLeaveTheStoreThreadsBoundedAndEveryServerServing(@TempDir final Path dir) throws Exception
    {
        // a small HTTP connection cap and request time, so the test can go over the cap and see it drain
        try (KvtierProcess master = KvtierProcess.start(Map.of("JAVA_TOOL_OPTIONS",
            "-Djdk.httpserver.maxConnections=64 -Dsun.net.httpserver.maxReqTime=2"), "kvtier master:", "master",
            "--rpc-port", "0", "--rpc-address", "127.0.0.1", "--enable-http-metadata-server",
            "--http-metadata-server-port", "0", "--http-metadata-server-host", "127.0.0.1", "--metrics-port", "0",
            "--metrics-host", "127.0.0.1", "--enable-metric-reporting=false"))
        {
            final String rpc = master.fromReadyLine("rpc (\\S+:\\d+),");
            final String metadata = master.fromReadyLine("metadata (http://\\S+/metadata)");
            final int metadataPort = Integer.parseInt(master.fromReadyLine("metadata http://[^:]+:(\\d+)/"));
            final Path config = dir.resolve("store.json");
            Files.writeString(config, "{\"local_hostname\": \"127.0.0.1\", \"metadata_server\": \"" + metadata
                + "\", \"master_server_address\": \"" + rpc + "\", \"global_segment_size\": \"64mb\","
                + " \"local_buffer_size\": \"16mb\"}");
            try (KvtierProcess store = KvtierProcess.start(Map.of("KVTIER_TCP_IO_THREADS", "2"), "kvtier store:",
                "store", "--config", config.toString(), "--metrics-port", "0", "--metrics-host", "127.0.0.1"))
            {
                final String metrics = store.fromReadyLine("metrics (http://\\S+/metrics)");
                final int dataPort = Integer.parseInt(store.fromReadyLine("segment 127\\.0\\.0\\.1:(\\d+)"));
                final String page = get(metrics);
                assertThat(metric(page, "kvtier_transfer_max_connections")).isEqualTo(8192);
                assertThat(metric(page, "kvtier_transfer_io_threads")).isEqualTo(2);
                assertThat(benchErrors(rpc, metadata)).isZero();
                final int before = threads(store);
                final long transferBefore = transferThreads(store);

                final List<SocketChannel> flood = idle(dataPort, 3000);
                try
                {
                    assertThat(within(20_000, () -> connections(metrics) >= 3000)).isTrue();
                    assertThat(transferThreads(store)).as("data-port and transfer threads").isEqualTo(transferBefore);
                    assertThat(threads(store)).as("store threads with 3,000 idle data-port connections (the JIT and "
                        + "GC may start a few)").isLessThanOrEqualTo(before + 10);
                    assertThat(benchErrors(rpc, metadata)).as("store-bench during the flood").isZero();
                    assertThat(metric(get(metrics), "kvtier_transfer_refused_connections_total")).isZero();
                }
                finally
                {
                    closeAll(flood);
                }
                assertThat(within(20_000, () -> connections(metrics) < 100)).isTrue();
                assertThat(benchErrors(rpc, metadata)).as("store-bench after the flood").isZero();
                assertThat(threads(store)).isLessThanOrEqualTo(before + 10);
            }

            final List<SocketChannel> underCap = idle(metadataPort, 40);
            try
            {
                assertThat(served(metadataPort, "under-cap")).as("40 idle connections, cap 64").isTrue();
            }
            finally
            {
                closeAll(underCap);
            }
            final List<SocketChannel> overCap = idle(metadataPort, 200);
            try
            {
                // the cap refuses newcomers until the silent connections have been closed (2 s here, 10 s by default)
                assertThat(within(20_000, () -> served(metadataPort, "over-cap")))
                    .as("served again while 200 idle sockets are held open").isTrue();
            }
            finally
            {
                closeAll(overCap);
            }
        }
    }

    private static double connections(final String metrics)
    {
        try
        {
            return metric(get(metrics), "kvtier_transfer_connections");
        }
        catch (final Exception e)
        {
            return Double.NaN;
        }
    }
}
