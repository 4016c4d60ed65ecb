package dev.kvtier.model.hicache;

/**
 * Page chains for prompts that arrive as tokens (a live front end), hashed exactly as the simulator hashes a
 * trace's synthetic tokens: SGLang's SHA-256 chain over each full page, so a prompt built from a trace's hash ids
 * gets the same L3 keys live as in the simulator. Page ids are dense in order of first appearance, one per distinct
 * digest, for the radix trees of this process. Not thread-safe: one owner, or callers that lock.
 */
public final class TokenPageChains
{
    private final int pageSize;
    private final PageHasher hasher = new PageHasher();
    private final DigestIds ids = new DigestIds(1 << 12);

    public TokenPageChains(final int pageSize)
    {
        if (pageSize <= 0)
        {
            throw new IllegalArgumentException("page size must be > 0, got " + pageSize);
        }
        this.pageSize = pageSize;
    }

    /** The chain of {@code tokens}' full pages (a partial last page is not cached, as in SGLang). */
    public PageChain chain(final int[] tokens)
    {
        final int pages = tokens.length / pageSize;
        final int[] pageIds = new int[pages];
        final byte[] digests = new byte[pages * PageHasher.DIGEST_BYTES];
        for (int p = 0; p < pages; p++)
        {
            hasher.hashInto(p == 0 ? null : digests, (p - 1) * PageHasher.DIGEST_BYTES, tokens, p * pageSize,
                (p + 1) * pageSize, digests, p * PageHasher.DIGEST_BYTES);
            pageIds[p] = ids.idOf(digests, p * PageHasher.DIGEST_BYTES);
        }
        // the digests array of this moment: a later one is a grown copy, and the bytes of these ids never change
        return PageChain.ofDigests(pageIds, ids.digests());
    }

    /**
     * The chain a finished request leaves cached: its prompt's and output's full pages, without the last output
     * token, whose KV was never computed (SGLang's {@code cache_finished_req}). Its first {@code prompt.length /
     * pageSize} pages are the prompt's chain.
     */
    public PageChain finished(final int[] prompt, final int[] output, final int outputTokens)
    {
        final int kept = Math.max(0, outputTokens - 1);
        final int[] sequence = java.util.Arrays.copyOf(prompt, prompt.length + kept);
        System.arraycopy(output, 0, sequence, prompt.length, kept);
        return chain(sequence);
    }

    /** The keys of {@code finished}'s pages after the first {@code promptTokens / pageSize} (its output's). */
    public String[] outputKeys(final PageChain finished, final int promptTokens)
    {
        final int from = promptTokens / pageSize;
        final String[] out = new String[Math.max(0, finished.length() - from)];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = finished.key(from + i);
        }
        return out;
    }

    /** Distinct pages seen so far. */
    public int pages()
    {
        return ids.size();
    }
}
