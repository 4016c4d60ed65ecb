package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.http.HttpExchange;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.tokens.SyntheticTokenizer;

/**
 * SGLang's native generation endpoint, {@code POST /generate}: a JSON answer with {@code text}, {@code output_ids}
 * and {@code meta_info} (id, finish reason, prompt and completion tokens, cached tokens split by the tier they came
 * from, end-to-end latency), or with {@code "stream": true} server-sent events whose chunks carry the cumulative
 * text as tokens come out of the worker, ending with {@code data: [DONE]}.
 */
final class GenerateApi
{
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long an exchange waits for the worker's next event before answering 504. */
    static final long EVENT_TIMEOUT_MS = 600_000;

    private final ServingFrontEnd frontEnd;

    GenerateApi(final ServingFrontEnd frontEnd)
    {
        this.frontEnd = frontEnd;
    }

    void generate(final HttpExchange ex) throws Exception
    {
        final GenerateBody body;
        try
        {
            body = GenerateBody.parse(ex.body());
        }
        catch (final IllegalArgumentException e)
        {
            ex.json(400, error(e.getMessage()));
            return;
        }
        final Generation g = frontEnd.submit(body.rid(), body.prompt(), body.maxNewTokens(), body.stops());
        if (!body.stream())
        {
            final Object end = awaitEnd(g);
            if (end instanceof RequestRecord r)
            {
                answer(ex, g, r);
            }
            else
            {
                ex.json(504, error(((Generation.Failure)end).reason()));
            }
            return;
        }
        ex.startEvents(200);
        try
        {
            while (true)
            {
                final Object e = g.next(EVENT_TIMEOUT_MS);
                if (e instanceof Integer k)
                {
                    ex.event(JSON.writeValueAsString(response(g, Math.min(k, g.output().length), null)));
                }
                else if (e instanceof RequestRecord r && !r.aborted())
                {
                    ex.event(JSON.writeValueAsString(response(g, g.output().length, r)));
                    break;
                }
                else
                {
                    ex.event(error(unserved(g, e)));
                    break;
                }
            }
            ex.event("[DONE]");
            ex.end();
        }
        finally
        {
            frontEnd.abandon(g);
        }
    }

    /** Waits for the record, skipping progress events. */
    static Object awaitEnd(final Generation g) throws InterruptedException
    {
        while (true)
        {
            final Object e = g.next(EVENT_TIMEOUT_MS);
            if (!(e instanceof Integer))
            {
                return e;
            }
        }
    }

    private void answer(final HttpExchange ex, final Generation g, final RequestRecord r) throws Exception
    {
        if (r.aborted())
        {
            ex.json(400, error(unserved(g, r)));
            return;
        }
        ex.json(200, JSON.writeValueAsString(response(g, g.output().length, r)));
    }

    /** Why {@code g} ended without an answer: the runtime's failure, or the worker refused it (aborted record). */
    static String unserved(final Generation g, final Object end)
    {
        if (end instanceof Generation.Failure f)
        {
            return f.reason();
        }
        return "the request's " + g.promptTokens().length + " prompt and " + g.output().length + " output tokens "
            + "never fit in this worker's KV pool: raise --device-memory or shorten it";
    }

    /** The answer after {@code tokens} output tokens; {@code r} is null until the request has finished. */
    static ObjectNode response(final Generation g, final int tokens, final RequestRecord r)
    {
        final ObjectNode out = JSON.createObjectNode();
        out.put("text", SyntheticTokenizer.decode(g.output(), 0, tokens));
        final ArrayNode ids = out.putArray("output_ids");
        for (int i = 0; i < tokens; i++)
        {
            ids.add(g.output()[i]);
        }
        final ObjectNode meta = out.putObject("meta_info");
        meta.put("id", g.rid() != null ? g.rid() : Long.toHexString(g.id()));
        if (r != null)
        {
            meta.set("finish_reason", finishReason(g));
        }
        else
        {
            meta.putNull("finish_reason");
        }
        meta.put("prompt_tokens", g.promptTokens().length);
        meta.put("completion_tokens", tokens);
        meta.put("cached_tokens", r == null ? 0 : r.cachedTokens());
        final ObjectNode details = meta.putObject("cached_tokens_details");
        details.put("device", r == null ? 0 : r.deviceHitTokens());
        details.put("host", r == null ? 0 : r.hostHitTokens());
        details.put("storage", r == null ? 0 : r.storageHitTokens());
        details.put("storage_backend", "mooncake");
        if (r != null)
        {
            meta.put("e2e_latency", r.e2eNs() / 1e9);
            meta.put("prefetch", r.prefetchOutcome().name().toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    static ObjectNode finishReason(final Generation g)
    {
        final ObjectNode f = JSON.createObjectNode();
        if (g.stopMatched() != null)
        {
            f.put("type", "stop");
            f.put("matched", g.stopMatched());
        }
        else
        {
            f.put("type", "length");
            f.put("length", g.output().length);
        }
        return f;
    }

    static String error(final String message)
    {
        final ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message);
        return e.toString();
    }
}
