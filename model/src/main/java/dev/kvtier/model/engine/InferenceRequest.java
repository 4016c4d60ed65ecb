package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PageKeys;
import dev.kvtier.model.node.Message;

/**
 * One generation request as the router receives it: prompt and output lengths and the prompt's full pages as a
 * chain of page ids (the partial last page is never cached, as with SGLang at {@code page_size > 1}).
 *
 * @param arrivalNs when the client sent it (the trace timestamp, scaled)
 * @param pages     page ids of the prompt's full pages, root first; never mutated
 */
public record InferenceRequest(long id, long arrivalNs, int inputTokens, int outputTokens, int[] pages,
    PageKeys keys) implements Message
{
}
