package dev.kvtier.live.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.http.HttpExchange;
import dev.kvtier.live.http.JettyHttpServer;
import dev.kvtier.live.serving.GenerateBody;
import dev.kvtier.model.engine.InferenceRequest;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.hicache.TokenPageChains;
import dev.kvtier.model.node.NodeId;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's HTTP API as sgl-router's: generation routes forwarded to the worker the node picks, with the answer
 * streamed back chunk by chunk and failed workers retried around (sgl-router's schedule: up to 5 retries, 50 ms
 * backoff ×1.5); {@code /flush_cache} to every worker; worker management ({@code /workers}, and the legacy
 * {@code /add_worker}, {@code /remove_worker}, {@code /list_workers}); health and loads.
 */
final class RouterApi
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DECISION_TIMEOUT_MS = 10_000;
    private static final long BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final RouterServer server;
    private final TokenPageChains chains;
    private final AtomicLong ids = new AtomicLong(1);

    RouterApi(final RouterServer server)
    {
        this.server = server;
        this.chains = new TokenPageChains(server.settings().pageSize());
    }

    void routes(final JettyHttpServer http)
    {
        http.route("POST /generate", this::forward)
            .route("POST /v1/completions", this::forward)
            .route("POST /v1/chat/completions", this::forward)
            .route("GET /v1/models", this::proxyGet)
            .route("GET /get_model_info", this::proxyGet)
            .route("GET /get_server_info", this::proxyGet)
            .route("GET /health_generate", this::proxyGet)
            .route("GET /health", this::health)
            .route("GET /liveness", ex -> ex.text(200, ""))
            .route("GET /readiness", this::health)
            .route("POST /flush_cache", this::flush)
            .route("GET /get_loads", this::loads)
            .route("GET /workers", this::list)
            .route("GET /list_workers", this::list)
            .route("POST /workers", this::add)
            .route("POST /add_worker", this::add)
            .route("POST /remove_worker", this::remove)
            .routePrefix("DELETE /workers/", this::remove);
    }

    private void forward(final HttpExchange ex) throws Exception
    {
        final long received = System.nanoTime();
        server.metrics().request(ex.path());
        final String body = ex.body();
        final GenerateBody parsed;
        try
        {
            parsed = GenerateBody.of(ex.path(), body);
        }
        catch (final IllegalArgumentException e)
        {
            server.metrics().error("bad_request");
            ex.json(400, error(e.getMessage()));
            return;
        }
        final PageChain chain;
        synchronized (chains)
        {
            chain = chains.chain(parsed.prompt());
        }
        final long arrivalNs = server.runner().now();
        final long traceId = server.record(arrivalNs, parsed, chain);
        for (int attempt = 0; attempt <= server.settings().maxRetries(); attempt++)
        {
            final long id = ids.getAndIncrement();
            final RoutedRequest routed = new RoutedRequest();
            server.pending().put(id, routed);
            server.runner().deliver(RouterServer.CLIENT, new InferenceRequest(id, server.runner().now(),
                parsed.prompt().length, parsed.maxNewTokens(), chain), 0);
            final int w;
            try
            {
                w = routed.await(DECISION_TIMEOUT_MS);
            }
            finally
            {
                server.pending().remove(id);
            }
            if (w < 0)
            {
                server.recordOutcome(traceId, aborted(traceId, -1, parsed), 0, System.nanoTime() - received, true,
                    "none");
                server.metrics().error("no_healthy_worker");
                ex.json(503, error(w == -1 ? "no healthy worker: every worker failed its health check or a forward"
                    : "the router node did not decide in time"));
                return;
            }
            final String url = server.pool().url(w);
            final NodeId worker = WorkerPool.id(w, url);
            final HttpResponse<InputStream> response;
            try
            {
                response = server.client().send(HttpRequest.newBuilder(URI.create(url + ex.path()))
                    .timeout(Duration.ofSeconds(server.settings().requestTimeoutSecs()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            }
            catch (final IOException e)
            {
                // the worker is gone or unreachable: let the node forget this dispatch, route around it, retry
                server.runner().deliver(worker, aborted(id, w, parsed), 0);
                server.setHealth(w, false);
                server.metrics().retry();
                Thread.sleep(Math.min(MAX_BACKOFF_MS, (long)(BACKOFF_MS * Math.pow(1.5, attempt))));
                continue;
            }
            final Relayed relayed = relay(ex, response);
            final RequestRecord rec = record(id, w, parsed, relayed.last());
            server.runner().deliver(worker, rec, 0);
            final long e2e = System.nanoTime() - received;
            server.metrics().processed(url, e2e / 1e9);
            server.recordOutcome(traceId, rec, relayed.firstChunkNs() > 0 ? relayed.firstChunkNs() - received : e2e,
                e2e, response.statusCode() != 200, prefetchOf(relayed.last()),
                server.recording() ? outputKeys(parsed, relayed.last()) : null);
            return;
        }
        server.recordOutcome(traceId, aborted(traceId, -1, parsed), 0, System.nanoTime() - received, true, "none");
        server.metrics().error("retries_exhausted");
        ex.json(502, error("every try failed: " + (server.settings().maxRetries() + 1) + " forwards to workers that "
            + "did not answer"));
    }

    /** What a relayed answer showed: its last JSON payload, and when its first chunk came (0 if not streamed). */
    private record Relayed(String last, long firstChunkNs)
    {
    }

    /** Copies the worker's answer to the client as it arrives. */
    private static Relayed relay(final HttpExchange ex, final HttpResponse<InputStream> response) throws IOException
    {
        final String type = response.headers().firstValue("Content-Type").orElse("application/json");
        try (InputStream in = response.body())
        {
            if (!type.startsWith("text/event-stream"))
            {
                final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                ex.respond(response.statusCode(), type, text);
                return new Relayed(text, 0);
            }
            ex.startStream(response.statusCode(), type);
            final StringBuilder pendingText = new StringBuilder();
            String last = null;
            long first = 0;
            final byte[] buf = new byte[16 << 10];
            int n;
            while ((n = in.read(buf)) > 0)
            {
                first = first == 0 ? System.nanoTime() : first;
                final String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                ex.raw(chunk);
                pendingText.append(chunk);
                int end;
                while ((end = pendingText.indexOf("\n\n")) >= 0)
                {
                    final String event = pendingText.substring(0, end).trim();
                    pendingText.delete(0, end + 2);
                    if (event.startsWith("data: {"))
                    {
                        last = event.substring("data: ".length());
                    }
                }
            }
            ex.end();
            return new Relayed(last, first);
        }
    }

    private static RequestRecord record(final long id, final int w, final GenerateBody b, final String last)
    {
        int device = 0;
        int host = 0;
        int storage = 0;
        int output = b.maxNewTokens();
        try
        {
            final JsonNode meta = last == null ? null : JSON.readTree(last).path("meta_info");
            if (meta != null)
            {
                final JsonNode d = meta.path("cached_tokens_details");
                device = d.path("device").asInt(0);
                host = d.path("host").asInt(0);
                storage = d.path("storage").asInt(0);
                output = meta.path("completion_tokens").asInt(output);
            }
        }
        catch (final IOException e)
        {
            // an answer that is not JSON still ends the request; its hits are unknown
        }
        return new RequestRecord(id, w, w, 0, 0, 0, 0, b.prompt().length, output, device, host, storage,
            PrefetchOutcome.NONE, 0, false);
    }

    /**
     * The page keys of the full pages the answer's output completed after the prompt's, which its worker cached
     * when it finished; null when the answer does not list its {@code output_ids}.
     */
    private String[] outputKeys(final GenerateBody b, final String last)
    {
        final JsonNode ids;
        try
        {
            ids = last == null ? null : JSON.readTree(last).get("output_ids");
        }
        catch (final IOException e)
        {
            return null;
        }
        if (ids == null || !ids.isArray())
        {
            return null;
        }
        final int[] output = new int[ids.size()];
        for (int i = 0; i < output.length; i++)
        {
            output[i] = ids.get(i).asInt();
        }
        synchronized (chains)
        {
            return chains.outputKeys(chains.finished(b.prompt(), output, output.length), b.prompt().length);
        }
    }

    private static String prefetchOf(final String last)
    {
        try
        {
            return last == null ? "none" : JSON.readTree(last).path("meta_info").path("prefetch").asText("none");
        }
        catch (final IOException e)
        {
            return "none";
        }
    }

    private static RequestRecord aborted(final long id, final int w, final GenerateBody b)
    {
        return new RequestRecord(id, w, w, 0, 0, 0, 0, b.prompt().length, b.maxNewTokens(), 0, 0, 0,
            PrefetchOutcome.NONE, 0, true);
    }

    private void proxyGet(final HttpExchange ex) throws Exception
    {
        final int w = server.pool().firstHealthy();
        if (w < 0)
        {
            ex.json(503, error("no healthy worker"));
            return;
        }
        final HttpResponse<String> r = server.client().send(HttpRequest.newBuilder(URI.create(server.pool().url(w)
            + ex.path())).timeout(Duration.ofSeconds(server.settings().requestTimeoutSecs())).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        ex.respond(r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body());
    }

    private void health(final HttpExchange ex)
    {
        ex.text(server.pool().firstHealthy() >= 0 ? 200 : 503, "");
    }

    private void flush(final HttpExchange ex) throws Exception
    {
        final StringBuilder failures = new StringBuilder();
        for (int i = 0; i < server.pool().size(); i++)
        {
            if (!server.pool().healthy(i))
            {
                continue;
            }
            final HttpResponse<String> r = server.client().send(HttpRequest.newBuilder(URI.create(
                server.pool().url(i) + "/flush_cache")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
            {
                failures.append(server.pool().url(i)).append(": ").append(r.body().trim()).append("; ");
            }
        }
        if (failures.length() == 0)
        {
            ex.text(200, "Cache flushed on every healthy worker.\n");
        }
        else
        {
            ex.text(400, "Cache not flushed on " + failures + "\n");
        }
    }

    private void loads(final HttpExchange ex) throws Exception
    {
        final int[] inFlight = server.loads();
        final ObjectNode n = JSON.createObjectNode();
        final ArrayNode workers = n.putArray("workers");
        for (int i = 0; i < server.pool().size(); i++)
        {
            workers.addObject().put("url", server.pool().url(i)).put("load", i < inFlight.length ? inFlight[i] : 0)
                .put("healthy", server.pool().healthy(i));
        }
        ex.json(200, n.toString());
    }

    private void list(final HttpExchange ex)
    {
        final ObjectNode n = JSON.createObjectNode();
        final ArrayNode urls = n.putArray("urls");
        final ArrayNode workers = n.putArray("workers");
        for (int i = 0; i < server.pool().size(); i++)
        {
            if (!server.pool().removed(i))
            {
                urls.add(server.pool().url(i));
                workers.addObject().put("url", server.pool().url(i)).put("healthy", server.pool().healthy(i));
            }
        }
        ex.json(200, n.toString());
    }

    private void add(final HttpExchange ex) throws Exception
    {
        String url = ex.query("url");
        if (url == null)
        {
            final String body = ex.body();
            url = body.isBlank() ? null : JSON.readTree(body).path("url").asText(null);
        }
        if (url == null || !url.startsWith("http://"))
        {
            ex.json(400, error("give the worker as ?url=http://host:port or {\"url\": \"http://host:port\"}"));
            return;
        }
        final int i = server.pool().add(url);
        server.setHealth(i, true);
        ex.json(200, "{\"status\": \"ok\", \"url\": \"" + server.pool().url(i) + "\"}");
    }

    private void remove(final HttpExchange ex)
    {
        String url = ex.query("url");
        if (url == null && ex.path().startsWith("/workers/"))
        {
            url = URLDecoder.decode(ex.path().substring("/workers/".length()), StandardCharsets.UTF_8);
        }
        final int i = url == null ? -1 : server.pool().indexOf(url);
        if (i < 0)
        {
            ex.json(404, error("no worker " + url));
            return;
        }
        server.remove(i);
        ex.json(200, "{\"status\": \"ok\", \"url\": \"" + server.pool().url(i) + "\"}");
    }

    private static String error(final String message)
    {
        final ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message);
        return e.toString();
    }
}
