package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.node.Message;

/**
 * One generation request as the router receives it: prompt and output lengths and the prompt's full pages with
 * their L3 keys, so the request is self-contained wherever it is sent.
 *
 * @param arrivalNs when the client sent it (the trace timestamp, scaled)
 * @param chain     the prompt's full pages, root first
 */
public record InferenceRequest(long id, long arrivalNs, int inputTokens, int outputTokens, PageChain chain)
    implements Message
{
    /** The chain's page ids, root first; never mutated. */
    public int[] pages()
    {
        return chain.ids();
    }
}
