package dev.kvtier.live.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an SGLang worker on loopback (the JDK's HTTP server, tests only): {@code /generate} answers in
 * SGLang's shapes, streamed or not; {@code /metrics} exports the kvtier counters; {@code /flush_cache} counts.
 * The answer is a pure function of the prompt, so a test can predict every history: {@code max_new_tokens} ids
 * {@code (prompt length + i) % 1000}; cached tokens are half the prompt on device and a quarter on host. Some
 * {@code max_new_tokens} values misbehave on purpose: {@value #HTTP_500} answers 500, {@value #DROP} drops the
 * connection mid-body, {@value #MALFORMED} answers 200 with a body that is not JSON.
 */
final class FakeSglangWorker implements AutoCloseable
{
    static final int HTTP_500 = 7;
    static final int DROP = 9;
    static final int MALFORMED = 11;
    static final long MISMATCHES_BEFORE = 5;
    static final long PREFETCH_BEFORE = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A {@code /generate} body as received. */
    record Received(int[] inputIds, int maxNewTokens, boolean stream)
    {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger generated = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();

    FakeSglangWorker() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/generate", this::generate);
        server.createContext("/metrics", this::metrics);
        server.createContext("/flush_cache", exchange ->
        {
            flushes.incrementAndGet();
            respond(exchange, 200, "text/plain", "Cache flushed.");
        });
        server.start();
    }

    URI url()
    {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received()
    {
        return received;
    }

    int flushes()
    {
        return flushes.get();
    }

    /** The answer's token ids for a prompt of {@code promptLength} tokens. */
    static int[] answer(final int promptLength, final int maxNewTokens)
    {
        final int[] ids = new int[maxNewTokens];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = (promptLength + i) % 1000;
        }
        return ids;
    }

    @Override
    public void close()
    {
        server.stop(0);
        ((java.util.concurrent.ExecutorService)server.getExecutor()).shutdownNow();
    }

    private void generate(final HttpExchange exchange) throws IOException
    {
        final JsonNode body = JSON.readTree(exchange.getRequestBody());
        final int[] input = GenerateCall.ids(body.path("input_ids"));
        final int n = body.path("sampling_params").path("max_new_tokens").asInt(128);
        final boolean stream = body.path("stream").asBoolean(false);
        received.add(new Received(input, n, stream));
        switch (n)
        {
            case HTTP_500 -> respond(exchange, 500, "application/json", "{\"error\": \"boom\"}");
            case DROP ->
            {
                exchange.sendResponseHeaders(200, 1000);
                exchange.getResponseBody().write("data: {\"text\"".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                exchange.close(); // fewer bytes than announced: the server closes the connection
            }
            case MALFORMED -> respond(exchange, 200, "application/json", "<html>not json</html>");
            default ->
            {
                generated.incrementAndGet();
                if (stream)
                {
                    sse(exchange, input.length, n);
                }
                else
                {
                    respond(exchange, 200, "application/json", chunk(input.length, n, n, true).toString());
                }
            }
        }
    }

    private void sse(final HttpExchange exchange, final int prompt, final int n) throws IOException
    {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody())
        {
            write(out, "data: " + chunk(prompt, n, 0, false) + "\n\n");
            for (int k = 1; k <= n; k++)
            {
                write(out, "data: " + chunk(prompt, n, k, k == n) + "\n\n");
            }
            write(out, "data: [DONE]\n\n");
        }
    }

    private static ObjectNode chunk(final int prompt, final int n, final int done, final boolean last)
    {
        final ObjectNode c = JSON.createObjectNode();
        final int[] ids = answer(prompt, n);
        final StringBuilder text = new StringBuilder();
        final ArrayNode outputIds = c.putArray("output_ids");
        for (int i = 0; i < done; i++)
        {
            text.append('t').append(ids[i]).append(' ');
            outputIds.add(ids[i]);
        }
        c.put("text", text.toString());
        final ObjectNode meta = c.putObject("meta_info");
        meta.put("id", "req").put("prompt_tokens", prompt).put("completion_tokens", done);
        if (last)
        {
            meta.putObject("finish_reason").put("type", "length");
            meta.put("cached_tokens", prompt / 2 + prompt / 4);
            meta.putObject("cached_tokens_details").put("device", prompt / 2).put("host", prompt / 4)
                .put("storage", 0);
            meta.put("e2e_latency", 0.01);
        }
        return c;
    }

    private void metrics(final HttpExchange exchange) throws IOException
    {
        final int g = generated.get();
        respond(exchange, 200, "text/plain; version=0.0.4",
            "# HELP kvtier_kv_mismatches_total KV pages that failed verification.\n"
            + "# TYPE kvtier_kv_mismatches_total counter\n"
            + "kvtier_kv_mismatches_total{tp_rank=\"0\"} " + (MISMATCHES_BEFORE + (g > 0 ? 1 : 0)) + ".0\n"
            + "# TYPE kvtier_prefetch_total counter\n"
            + "kvtier_prefetch_total{outcome=\"completed\",tp_rank=\"0\"} " + (PREFETCH_BEFORE + g) + ".0\n"
            + "kvtier_prefetch_total{outcome=\"partial\",tp_rank=\"0\"} 3.0\n"
            + "kvtier_prefetch_total{outcome=\"timed_out\",tp_rank=\"0\"} " + 2 * g + ".0\n"
            + "sglang:prefetched_tokens_total{storage_backend=\"mooncake\"} 4096.0\n");
    }

    private static void respond(final HttpExchange exchange, final int status, final String type, final String body)
        throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    private static void write(final OutputStream out, final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
