package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.http.HttpExchange;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.tokens.SyntheticTokenizer;

/**
 * The OpenAI-compatible endpoints SGLang serves: {@code /v1/completions} ({@code prompt} as text or token ids),
 * {@code /v1/chat/completions} ({@code messages} rendered by a fixed template: {@code <|role|>\n content \n} per
 * message, then {@code <|assistant|>\n}) and {@code /v1/models}; streaming as SSE deltas ending with
 * {@code data: [DONE]}. {@code usage.prompt_tokens_details.cached_tokens} reports prefix-cache hits, as SGLang's
 * {@code --enable-cache-report}.
 */
final class OpenAiApi
{
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
        final GenerateBody body;
        try
        {
            body = GenerateBody.of(chat ? "/v1/chat/completions" : "/v1/completions", ex.body());
        }
        catch (final IllegalArgumentException e)
        {
            ex.json(400, GenerateApi.error(e.getMessage()));
            return;
        }
        final boolean stream = body.stream();
        final Generation g = frontEnd.submit(null, body.prompt(), body.maxNewTokens(), body.stops());
        final String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(g.id());
        if (!stream)
        {
            final Object end = GenerateApi.awaitEnd(g);
            if (!(end instanceof RequestRecord r) || r.aborted())
            {
                ex.json(end instanceof RequestRecord ? 400 : 504, GenerateApi.error(GenerateApi.unserved(g, end)));
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
                if (!(e instanceof Integer) && !(e instanceof RequestRecord r && !r.aborted()))
                {
                    ex.event(GenerateApi.error(GenerateApi.unserved(g, e)));
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
}
