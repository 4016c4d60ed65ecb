package dev.kvtier.live.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.live.serving.ServerSettings;
import dev.kvtier.live.serving.ServingServer;
import dev.kvtier.model.cost.GpuSpec;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.routing.RoutingPolicy;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's worker management on real workers: a worker added with {@code POST /workers} takes requests, one
 * removed with {@code DELETE /workers/{url}} takes none and is not brought back by health checks, and a router
 * whose every worker is removed answers 503 with one line.
 */
class RouterWorkersTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ServingServer worker() throws Exception
    {
        return ServingServer.start(new ServerSettings("llama-3-8b", ModelSpec.preset("llama-3-8b"),
            GpuSpec.preset("H100"), 1, 4, 0.88, 256, 8192, false, 2.0, 0, WritePolicy.WRITE_THROUGH,
            RadixEvictionPolicy.LRU, "page_first", "none", PrefetchPolicy.BEST_EFFORT, null, "127.0.0.1", 0,
            64L << 20, 0, 0, 0), Map.of());
    }

    private static HttpResponse<String> send(final String method, final String url, final String body)
        throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static double requests(final String worker) throws Exception
    {
        return send("GET", worker + "/metrics", null).body().lines()
            .filter(l -> l.startsWith("sglang:num_requests_total ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.indexOf(' ') + 1))).sum();
    }

    private static void generate(final String router, final int n) throws Exception
    {
        for (int i = 0; i < n; i++)
        {
            final HttpResponse<String> r = send("POST", router + "/generate",
                "{\"input_ids\": [" + (100 + i) + ", 7, 8, 9, 10], \"sampling_params\": {\"max_new_tokens\": 2}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void addedWorkersTakeRequestsAndRemovedOnesNone() throws Exception
    {
        try (ServingServer a = worker(); ServingServer b = worker())
        {
            final String ua = "http://127.0.0.1:" + a.port();
            final String ub = "http://127.0.0.1:" + b.port();
            try (RouterServer router = RouterServer.start(new RouterSettings(List.of(ua), RoutingPolicy.ROUND_ROBIN,
                0.3, 64, 1.5, 120, 1L << 26, "127.0.0.1", 0, "127.0.0.1", -1, 4, 60, 2, 50)))
            {
                final String r = "http://127.0.0.1:" + router.port();
                final HttpResponse<String> added = send("POST", r + "/workers", "{\"url\": \"" + ub + "\"}");
                assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
                final JsonNode listed = JSON.readTree(send("GET", r + "/workers", null).body());
                assertThat(listed.get("urls")).extracting(JsonNode::asText).containsExactly(ua, ub);
                generate(r, 4);
                assertThat(requests(ua)).isEqualTo(2);
                assertThat(requests(ub)).as("round robin over both after the add").isEqualTo(2);

                final String encoded = URLEncoder.encode(ub, StandardCharsets.UTF_8);
                assertThat(send("DELETE", r + "/workers/" + encoded, null).statusCode()).isEqualTo(200);
                generate(r, 4);
                assertThat(requests(ub)).as("a removed worker takes nothing").isEqualTo(2);
                assertThat(requests(ua)).isEqualTo(6);
                assertThat(JSON.readTree(send("GET", r + "/list_workers", null).body()).get("urls"))
                    .extracting(JsonNode::asText).containsExactly(ua);
                assertThat(send("DELETE", r + "/workers/" + encoded + "x", null).statusCode()).isEqualTo(404);

                assertThat(send("POST", r + "/remove_worker?url=" + URLEncoder.encode(ua, StandardCharsets.UTF_8),
                    null).statusCode()).isEqualTo(200);
                final HttpResponse<String> none = send("POST", r + "/generate",
                    "{\"input_ids\": [1, 2, 3], \"sampling_params\": {\"max_new_tokens\": 1}}");
                assertThat(none.statusCode()).isEqualTo(503);
                assertThat(none.body()).contains("no healthy worker").doesNotContain("\n");
            }
        }
    }
}
