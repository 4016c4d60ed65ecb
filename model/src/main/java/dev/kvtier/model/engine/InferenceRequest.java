package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.node.Message;

/**
 * One generation request as the router receives it: prompt and output lengths and the prompt's full pages with
 * their L3 keys, so the request is self-contained wherever it is sent.
 *
 * <p>{@code finished} is what the worker caches when the request ends, as SGLang's {@code cache_finished_req}
 * inserts the whole sequence: the prompt's pages and then the full pages its output completes. It is the prompt's
 * chain itself when the output's tokens are not known (a Mooncake trace names prompt blocks only), and longer when
 * they are (a live worker, or a replay of its recording), so that a conversation's next turn finds the previous
 * answer in the cache.
 *
 * @param arrivalNs when the client sent it (the trace timestamp, scaled)
 * @param chain     the prompt's full pages, root first
 * @param finished  the pages cached when the request finishes, root first; starts with {@code chain}
 */
public record InferenceRequest(long id, long arrivalNs, int inputTokens, int outputTokens, PageChain chain,
    PageChain finished) implements Message
{
    public InferenceRequest
    {
        if (finished.length() < chain.length())
        {
            throw new IllegalArgumentException("request " + id + ": finished chain of " + finished.length()
                + " pages is shorter than its prompt's " + chain.length());
        }
    }

    /** A request whose output pages are not known: it caches its prompt's pages only. */
    public InferenceRequest(final long id, final long arrivalNs, final int inputTokens, final int outputTokens,
        final PageChain chain)
    {
        this(id, arrivalNs, inputTokens, outputTokens, chain, chain);
    }

    /** The chain's page ids, root first; never mutated. */
    public int[] pages()
    {
        return chain.ids();
    }
}
