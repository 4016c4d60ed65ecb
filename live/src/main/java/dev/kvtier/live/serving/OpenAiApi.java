package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.http.HttpExchange;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.tokens.SyntheticTokenizer;

import java.util.List;

/**
 * The OpenAI-compatible endpoints SGLang serves: {@code /v1/completions} ({@code prompt} as text or token ids),
 * {@code /v1/chat/completions} ({@code messages} rendered by a fixed template: {@code <|role|>\n content \n} per
 * message, then {@code <|assistant|>\n}) and {@code /v1/models}; streaming as SSE deltas ending with
 * {@code data: [DONE]}. {@code usage.prompt_tokens_details.cached_tokens} reports prefix-cache hits, as SGLang's
 * {@code --enable-cache-report}.
 */
final class OpenAiApi
{
    /** OpenAI's default {@code max_tokens} for completions. */
    private static final int DEFAULT_MAX_TOKENS = 16;

    private final ServingFrontEnd frontEnd;
    private final String model;

    OpenAiApi(final ServingFrontEnd frontEnd, final String model)
    {
        this.frontEnd = frontEnd;
        this.model = model;
    }

    void models(final HttpExchange ex)
    {
        final ObjectNode n = GenerateApi.JSON.createObjectNode();
        n.put("object", "list");
        final ObjectNode m = n.putArray("data").addObject();
        m.put("id", model);
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", "kvtier");
        m.put("root", model);
        ex.json(200, n.toString());
    }

    void completions(final HttpExchange ex) throws Exception
    {
        run(ex, false);
    }

    void chatCompletions(final HttpExchange ex) throws Exception
    {
        run(ex, true);
    }

    private void run(final HttpExchange ex, final boolean chat) throws Exception
    {
        final int[] prompt;
        final int maxTokens;
        final List<String> stops;
        final boolean stream;
        try
        {
            final JsonNode root = GenerateBody.tree(ex.body());
            prompt = chat ? SyntheticTokenizer.encode(render(root.path("messages")))
                : root.path("prompt").isArray() ? GenerateBody.prompt(root, "none", "prompt")
                : GenerateBody.prompt(root, "prompt", "none");
            final JsonNode max = root.has("max_completion_tokens") ? root : root.has("max_tokens") ? root : null;
            maxTokens = max == null ? (chat ? GenerateBody.DEFAULT_MAX_NEW_TOKENS : DEFAULT_MAX_TOKENS)
                : GenerateBody.maxTokens(root, root.has("max_completion_tokens") ? "max_completion_tokens"
                    : "max_tokens");
            stops = GenerateBody.stops(root.path("stop"));
            stream = root.path("stream").asBoolean(false);
        }
        catch (final IllegalArgumentException e)
        {
            ex.json(400, GenerateApi.error(e.getMessage()));
            return;
        }
        final Generation g = frontEnd.submit(null, prompt, maxTokens, stops);
        final String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(g.id());
        if (!stream)
        {
            final Object end = GenerateApi.awaitEnd(g);
            if (!(end instanceof RequestRecord r))
            {
                ex.json(504, GenerateApi.error(((Generation.Failure)end).reason()));
                return;
            }
            final ObjectNode n = envelope(id, chat ? "chat.completion" : "text_completion");
            final ObjectNode choice = n.putArray("choices").addObject();
            choice.put("index", 0);
            final String text = SyntheticTokenizer.decode(g.output(), 0, g.output().length);
            if (chat)
            {
                final ObjectNode msg = choice.putObject("message");
                msg.put("role", "assistant");
                msg.put("content", text);
            }
            else
            {
                choice.put("text", text);
                choice.putNull("logprobs");
            }
            choice.put("finish_reason", g.stopMatched() != null ? "stop" : "length");
            choice.put("matched_stop", g.stopMatched());
            usage(n, g, r);
            ex.json(200, n.toString());
            return;
        }
        ex.startEvents(200);
        try
        {
            int sent = 0;
            while (true)
            {
                final Object e = g.next(GenerateApi.EVENT_TIMEOUT_MS);
                final int upTo = e instanceof Integer k ? Math.min(k, g.output().length) : g.output().length;
                if (!(e instanceof Integer) && !(e instanceof RequestRecord))
                {
                    ex.event(GenerateApi.error(((Generation.Failure)e).reason()));
                    break;
                }
                final ObjectNode chunk = envelope(id, chat ? "chat.completion.chunk" : "text_completion");
                final ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("index", 0);
                final String delta = SyntheticTokenizer.decode(g.output(), sent, upTo);
                sent = upTo;
                if (chat)
                {
                    final ObjectNode d = choice.putObject("delta");
                    d.put("role", "assistant");
                    d.put("content", delta);
                }
                else
                {
                    choice.put("text", delta);
                }
                if (e instanceof RequestRecord r)
                {
                    choice.put("finish_reason", g.stopMatched() != null ? "stop" : "length");
                    usage(chunk, g, r);
                    ex.event(chunk.toString());
                    break;
                }
                choice.putNull("finish_reason");
                ex.event(chunk.toString());
            }
            ex.event("[DONE]");
            ex.end();
        }
        finally
        {
            frontEnd.abandon(g);
        }
    }

    private ObjectNode envelope(final String id, final String object)
    {
        final ObjectNode n = GenerateApi.JSON.createObjectNode();
        n.put("id", id);
        n.put("object", object);
        n.put("created", 0);
        n.put("model", model);
        return n;
    }

    private static void usage(final ObjectNode n, final Generation g, final RequestRecord r)
    {
        final ObjectNode u = n.putObject("usage");
        u.put("prompt_tokens", g.promptTokens().length);
        u.put("completion_tokens", g.output().length);
        u.put("total_tokens", g.promptTokens().length + g.output().length);
        u.putObject("prompt_tokens_details").put("cached_tokens", r.cachedTokens());
    }

    /** The chat template: each message as {@code <|role|>\n content \n}, then the assistant's turn. */
    static String render(final JsonNode messages)
    {
        if (!messages.isArray() || messages.isEmpty())
        {
            throw new IllegalArgumentException("field 'messages': must be a non-empty list of {role, content}");
        }
        final StringBuilder sb = new StringBuilder();
        for (final JsonNode m : messages)
        {
            sb.append("<|").append(m.path("role").asText("user")).append("|>\n");
            final JsonNode c = m.path("content");
            if (c.isArray())
            {
                for (final JsonNode part : c)
                {
                    sb.append(part.path("text").asText(""));
                }
            }
            else
            {
                sb.append(c.asText(""));
            }
            sb.append('\n');
        }
        return sb.append("<|assistant|>\n").toString();
    }
}
