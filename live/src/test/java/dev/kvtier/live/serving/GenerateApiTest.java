package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.model.tokens.SyntheticOutput;
import dev.kvtier.model.tokens.SyntheticTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's HTTP API as SGLang's {@code launch_server} serves it, against one live worker (store as L3, no
 * compute wait): {@code /generate} with text and token ids, its {@code meta_info}, {@code max_new_tokens}, stop
 * strings, streaming and bad requests; the OpenAI-compatible {@code /v1/*}; health and info endpoints.
 */
class GenerateApiTest
{
    private static final String SMOKE = "Let me tell you a long story ";
    private static LiveServing live;

    @BeforeAll
    static void start() throws Exception
    {
        live = new LiveServing(new LiveServing.Launch());
    }

    @AfterAll
    static void stop() throws Exception
    {
        live.close();
    }

    private static ObjectNode textBody(final String text)
    {
        final ObjectNode body = LiveServing.JSON.createObjectNode();
        body.put("text", text);
        body.putObject("sampling_params").put("temperature", 0);
        return body;
    }

    /** The {@code data:} payloads of an SSE answer, in order. */
    private static List<String> events(final HttpResponse<String> r)
    {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
            v -> assertThat(v).startsWith("text/event-stream"));
        final List<String> out = new ArrayList<>();
        for (final String block : r.body().split("\n\n"))
        {
            if (!block.isBlank())
            {
                assertThat(block).startsWith("data: ");
                out.add(block.substring("data: ".length()));
            }
        }
        return out;
    }

    @Test
    void theReferenceSmokeTestAnswersWithEveryField() throws Exception
    {
        final JsonNode r = live.postOk("/generate", textBody(SMOKE));
        final int[] prompt = SyntheticTokenizer.encode(SMOKE);
        final int[] expected = SyntheticOutput.tokens(prompt, 128);
        assertThat(LiveServing.ids(r.get("output_ids"))).as("max_new_tokens defaults to 128, output is the "
            + "synthetic model's for this prompt").containsExactly(expected);
        assertThat(r.get("text").asText()).isEqualTo(SyntheticTokenizer.decode(expected, 0, expected.length))
            .isNotEmpty();
        final JsonNode meta = r.get("meta_info");
        assertThat(meta.get("id").asText()).isNotEmpty();
        assertThat(meta.get("finish_reason").get("type").asText()).isEqualTo("length");
        assertThat(meta.get("finish_reason").get("length").asInt()).isEqualTo(128);
        assertThat(meta.get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        assertThat(meta.get("completion_tokens").asInt()).isEqualTo(128);
        assertThat(meta.get("cached_tokens").isInt()).isTrue();
        final JsonNode tiers = meta.get("cached_tokens_details");
        assertThat(tiers.get("device").isInt()).isTrue();
        assertThat(tiers.get("host").isInt()).isTrue();
        assertThat(tiers.get("storage").isInt()).isTrue();
        assertThat(meta.get("e2e_latency").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void tokenIdsInMaxNewTokensHonouredAndTheRepeatHitsTheDevice() throws Exception
    {
        // 66 tokens: 16 full pages of 4 and a partial one, which is never cached
        final int[] prompt = LiveServing.tokens(42, 66);
        final JsonNode first = live.generate(prompt, 5);
        assertThat(LiveServing.ids(first.get("output_ids"))).containsExactly(SyntheticOutput.tokens(prompt, 5));
        final JsonNode meta = first.get("meta_info");
        assertThat(meta.get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(meta.get("prompt_tokens").asInt()).isEqualTo(66);
        assertThat(meta.get("finish_reason").get("type").asText()).isEqualTo("length");
        assertThat(meta.get("finish_reason").get("length").asInt()).isEqualTo(5);
        assertThat(meta.get("cached_tokens").asInt()).isZero();

        final JsonNode again = live.generate(prompt, 5);
        assertThat(again.get("output_ids")).isEqualTo(first.get("output_ids"));
        assertThat(again.get("text")).isEqualTo(first.get("text"));
        final JsonNode m2 = again.get("meta_info");
        assertThat(m2.get("id").asText()).isNotEqualTo(meta.get("id").asText());
        assertThat(m2.get("cached_tokens").asInt()).isEqualTo(64);
        assertThat(m2.get("cached_tokens_details").get("device").asInt()).isEqualTo(64);
        assertThat(m2.get("cached_tokens_details").get("host").asInt()).isZero();
        assertThat(m2.get("cached_tokens_details").get("storage").asInt()).isZero();
    }

    @Test
    void concurrentRequestsEachGetTheirOwnAnswer() throws Exception
    {
        final int n = 24;
        final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        final List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            // pairs of requests share a 40-token prefix, so some admit against pages another one is inserting
            final int[] prompt = LiveServing.tokens(1000 + i / 2, 40 + i);
            final ObjectNode body = LiveServing.generateBody(prompt, 3 + i % 5);
            body.put("stream", i % 3 == 0);
            answers.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(live.uri("/generate"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < n; i++)
        {
            final int[] prompt = LiveServing.tokens(1000 + i / 2, 40 + i);
            final HttpResponse<String> r = answers.get(i).get();
            final JsonNode answer = i % 3 == 0 ? LiveServing.JSON.readTree(events(r).get(events(r).size() - 2))
                : LiveServing.JSON.readTree(r.body());
            assertThat(r.statusCode()).as("request %d: %s", i, r.body()).isEqualTo(200);
            assertThat(LiveServing.ids(answer.get("output_ids"))).as("request %d", i)
                .containsExactly(SyntheticOutput.tokens(prompt, 3 + i % 5));
            assertThat(answer.get("meta_info").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        }
    }

    @Test
    void aRidIsTheAnswersId() throws Exception
    {
        final ObjectNode body = textBody("a request with its own id");
        body.put("rid", "my-request-7");
        assertThat(live.postOk("/generate", body).get("meta_info").get("id").asText()).isEqualTo("my-request-7");
    }

    @Test
    void aStopStringEndsTheOutputAtItsFirstMatch() throws Exception
    {
        final ObjectNode body = textBody("Once upon a time, in a land far away, ");
        ((ObjectNode)body.get("sampling_params")).put("max_new_tokens", 40);
        final JsonNode full = live.postOk("/generate", body);
        final int[] ids = LiveServing.ids(full.get("output_ids"));
        final String stop = SyntheticTokenizer.word(ids[20]).trim();
        int first = 0;
        while (!SyntheticTokenizer.word(ids[first]).trim().equals(stop))
        {
            first++;
        }

        ((ObjectNode)body.get("sampling_params")).put("stop", stop);
        final JsonNode stopped = live.postOk("/generate", body);
        assertThat(LiveServing.ids(stopped.get("output_ids"))).as("the tokens up to the one completing '%s'", stop)
            .containsExactly(java.util.Arrays.copyOf(ids, first + 1));
        assertThat(stopped.get("text").asText()).isEqualTo(SyntheticTokenizer.decode(ids, 0, first + 1))
            .endsWith(" " + stop);
        final JsonNode meta = stopped.get("meta_info");
        assertThat(meta.get("finish_reason").get("type").asText()).isEqualTo("stop");
        assertThat(meta.get("finish_reason").get("matched").asText()).isEqualTo(stop);
        assertThat(meta.get("completion_tokens").asInt()).isEqualTo(first + 1);

        ((ObjectNode)body.get("sampling_params")).putArray("stop").add("no such word").add(stop);
        assertThat(live.postOk("/generate", body).get("meta_info").get("finish_reason").get("matched").asText())
            .as("a list of stop strings").isEqualTo(stop);
    }

    @Test
    void aStreamSendsGrowingCumulativeTextEndingWithDone() throws Exception
    {
        final int[] prompt = LiveServing.tokens(7, 30);
        final ObjectNode body = LiveServing.generateBody(prompt, 12);
        final JsonNode whole = live.postOk("/generate", body);
        body.put("stream", true);
        final List<String> events = events(live.post("/generate", body.toString()));
        assertThat(events).last().isEqualTo("[DONE]");
        final List<JsonNode> chunks = new ArrayList<>();
        for (final String e : events.subList(0, events.size() - 1))
        {
            chunks.add(LiveServing.JSON.readTree(e));
        }
        assertThat(chunks).as("one chunk per token at least").hasSizeGreaterThanOrEqualTo(12);
        String previous = "";
        for (int i = 0; i < chunks.size(); i++)
        {
            final JsonNode c = chunks.get(i);
            final String text = c.get("text").asText();
            assertThat(text).as("chunk %d is cumulative", i).startsWith(previous);
            assertThat(c.get("output_ids").size()).as("a word is four characters").isEqualTo(text.length() / 4);
            final boolean last = i == chunks.size() - 1;
            assertThat(c.get("meta_info").get("finish_reason").isNull()).as("chunk %d finish_reason", i)
                .isEqualTo(!last);
            previous = text;
        }
        final JsonNode end = chunks.get(chunks.size() - 1);
        assertThat(chunks.get(0).get("text").asText()).as("the stream starts before the answer is complete")
            .isNotEqualTo(end.get("text").asText());
        assertThat(end.get("text")).isEqualTo(whole.get("text"));
        assertThat(end.get("output_ids")).isEqualTo(whole.get("output_ids"));
        assertThat(end.get("meta_info").get("completion_tokens").asInt()).isEqualTo(12);
        assertThat(end.get("meta_info").get("finish_reason").get("type").asText()).isEqualTo("length");
    }

    @Test
    void badRequestsAre400WithOneLine() throws Exception
    {
        final List<String> bad = List.of("{\"text\": ", "{}", "[1, 2]", "{\"text\": \"\"}", "{\"input_ids\": []}",
            "{\"input_ids\": [1, -3]}", "{\"text\": \"x\", \"sampling_params\": {\"max_new_tokens\": 0}}");
        for (final String body : bad)
        {
            final HttpResponse<String> r = live.post("/generate", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            final String message = LiveServing.JSON.readTree(r.body()).get("error").get("message").asText();
            assertThat(message).as(body).isNotBlank().doesNotContain("\n");
        }
        assertThat(LiveServing.JSON.readTree(live.post("/generate", "{}").body()).get("error").get("message")
            .asText()).contains("text", "input_ids");
        final HttpResponse<String> r = live.post("/v1/completions", "{\"model\": \"x\"");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(LiveServing.JSON.readTree(r.body()).get("error").get("message").asText()).doesNotContain("\n");
        final HttpResponse<String> chat = live.post("/v1/chat/completions", "{\"messages\": []}");
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(LiveServing.JSON.readTree(chat.body()).get("error").get("message").asText()).contains("messages");
    }

    @Test
    void aPromptThatCanNeverFitIsRefusedOnEveryEndpoint() throws Exception
    {
        // 256 MiB x 0.88 of llama-3-8b's 128 KiB a token: the device pool holds 1802 tokens
        final int[] prompt = LiveServing.tokens(9, 2000);
        final ObjectNode body = LiveServing.generateBody(prompt, 4);
        assertRefused(live.post("/generate", body.toString()));
        body.put("stream", true);
        assertRefusedStream(live.post("/generate", body.toString()));

        final ObjectNode completion = LiveServing.JSON.createObjectNode();
        completion.set("prompt", body.get("input_ids"));
        completion.put("max_tokens", 4);
        assertRefused(live.post("/v1/completions", completion.toString()));
        completion.put("stream", true);
        assertRefusedStream(live.post("/v1/completions", completion.toString()));

        final ObjectNode chat = LiveServing.JSON.createObjectNode();
        chat.putArray("messages").addObject().put("role", "user").put("content", "word".repeat(2000));
        assertRefused(live.post("/v1/chat/completions", chat.toString()));
        chat.put("stream", true);
        assertRefusedStream(live.post("/v1/chat/completions", chat.toString()));
        assertThat(live.get("/health_generate").statusCode()).as("the worker goes on serving").isEqualTo(200);
    }

    private static void assertRefused(final HttpResponse<String> r) throws Exception
    {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(LiveServing.JSON.readTree(r.body()).get("error").get("message").asText())
            .contains("never fit", "--device-memory").doesNotContain("\n");
    }

    private static void assertRefusedStream(final HttpResponse<String> r) throws Exception
    {
        final List<String> events = events(r);
        assertThat(events).as("an error event, then the end").hasSize(2).last().isEqualTo("[DONE]");
        assertThat(LiveServing.JSON.readTree(events.get(0)).get("error").get("message").asText())
            .contains("never fit");
    }

    @Test
    void completionsReportCachedTokensAndStream() throws Exception
    {
        final ObjectNode body = LiveServing.JSON.createObjectNode();
        body.put("model", LiveServing.MODEL);
        // 27 tokens: 6 full pages and a partial one (a page-aligned prompt would report every token cached, where
        // SGLang matches at most prompt - 1 tokens; see PrefillScheduler.admit)
        body.put("prompt", "The quick brown fox jumps over the lazy dog, again and again and again and again, ");
        body.put("max_tokens", 8);
        final JsonNode first = live.postOk("/v1/completions", body);
        assertThat(first.get("object").asText()).isEqualTo("text_completion");
        assertThat(first.get("model").asText()).isEqualTo(LiveServing.MODEL);
        final JsonNode choice = first.get("choices").get(0);
        final int promptTokens = SyntheticTokenizer.encode(body.get("prompt").asText()).length;
        assertThat(promptTokens % 4).isNotZero();
        final int[] expected = SyntheticOutput.tokens(SyntheticTokenizer.encode(body.get("prompt").asText()), 8);
        assertThat(choice.get("text").asText()).isEqualTo(SyntheticTokenizer.decode(expected, 0, 8));
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        final JsonNode usage = first.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(8);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(promptTokens + 8);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();

        final JsonNode again = live.postOk("/v1/completions", body);
        assertThat(again.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt())
            .as("the prompt's full pages").isEqualTo(promptTokens / 4 * 4).isPositive();

        body.put("stream", true);
        final List<String> events = events(live.post("/v1/completions", body.toString()));
        assertThat(events).last().isEqualTo("[DONE]");
        final StringBuilder text = new StringBuilder();
        JsonNode last = null;
        for (final String e : events.subList(0, events.size() - 1))
        {
            last = LiveServing.JSON.readTree(e);
            assertThat(last.get("object").asText()).isEqualTo("text_completion");
            text.append(last.get("choices").get(0).get("text").asText());
        }
        assertThat(text.toString()).as("the deltas add up to the answer").isEqualTo(choice.get("text").asText());
        assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(last.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isPositive();
    }

    @Test
    void chatCompletionsAnswerAsTheAssistantAndStream() throws Exception
    {
        final ObjectNode body = LiveServing.JSON.createObjectNode();
        body.put("model", LiveServing.MODEL);
        body.putArray("messages").addObject().put("role", "user")
            .put("content", "What is a KV cache, and why tier it?");
        body.put("max_tokens", 6);
        final JsonNode r = live.postOk("/v1/chat/completions", body);
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("id").asText()).startsWith("chatcmpl-");
        final JsonNode message = r.get("choices").get(0).get("message");
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        final int[] prompt = SyntheticTokenizer.encode(GenerateBody.render(body.get("messages")));
        assertThat(message.get("content").asText())
            .isEqualTo(SyntheticTokenizer.decode(SyntheticOutput.tokens(prompt, 6), 0, 6));
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(6);
        assertThat(r.get("usage").get("prompt_tokens_details").get("cached_tokens").isInt()).isTrue();

        body.put("stream", true);
        final List<String> events = events(live.post("/v1/chat/completions", body.toString()));
        assertThat(events).last().isEqualTo("[DONE]");
        final StringBuilder text = new StringBuilder();
        for (final String e : events.subList(0, events.size() - 1))
        {
            final JsonNode chunk = LiveServing.JSON.readTree(e);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            text.append(chunk.get("choices").get(0).get("delta").get("content").asText());
        }
        assertThat(text.toString()).isEqualTo(message.get("content").asText());
        final JsonNode last = LiveServing.JSON.readTree(events.get(events.size() - 2));
        assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(last.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt())
            .as("the repeated conversation hits its pages").isPositive();
    }

    @Test
    void modelsHealthAndInfo() throws Exception
    {
        final JsonNode models = LiveServing.JSON.readTree(live.get("/v1/models").body());
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").asText()).isEqualTo(LiveServing.MODEL);
        assertThat(live.get("/health").statusCode()).isEqualTo(200);
        assertThat(live.get("/health_generate").statusCode()).isEqualTo(200);
        final JsonNode info = LiveServing.JSON.readTree(live.get("/get_server_info").body());
        assertThat(info.get("model_path").asText()).isEqualTo(LiveServing.MODEL);
        assertThat(info.get("page_size").asInt()).isEqualTo(4);
        assertThat(info.get("port").asInt()).isEqualTo(live.server().port());
        assertThat(info.get("hicache_storage_backend").asText()).isEqualTo("mooncake");
        assertThat(info.get("hicache_storage_prefetch_policy").asText()).isEqualTo("timeout");
        assertThat(info.get("hicache_mem_layout").asText()).isEqualTo("page_first");
        assertThat(info.get("page_bytes").asLong()).as("llama-3-8b: 128 KiB of KV a token").isEqualTo(4 * 131072L);
        final JsonNode mooncake = info.get("mooncake");
        assertThat(mooncake.get("config_source").asText()).isEqualTo("environment");
        assertThat(mooncake.get("master_server_address").asText()).isEqualTo(live.master().rpcAddress());
        assertThat(mooncake.get("global_segment_size").asLong()).isEqualTo(128L << 20);
        final JsonNode model = LiveServing.JSON.readTree(live.get("/get_model_info").body());
        assertThat(model.get("model_path").asText()).isEqualTo(LiveServing.MODEL);
        assertThat(model.get("is_generation").asBoolean()).isTrue();
    }
}
