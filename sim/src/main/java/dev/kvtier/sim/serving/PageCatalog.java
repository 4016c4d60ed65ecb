package dev.kvtier.sim.serving;

import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PageHasher;
import dev.kvtier.workloads.trace.TraceRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns trace requests into SGLang page chains (built by {@link PageChainBuilder}), or takes a recorded run's page
 * keys as they were ({@link #ofKeys}). Each trace block id gets synthetic tokens ({@link BlockTokens});
 * each full page gets its SHA-256 chain hash ({@link PageHasher}), computed once per distinct block; pages with
 * equal hashes get one dense id. A request's chain is its full pages root first; the partial last page is not
 * cacheable (SGLang truncates to whole pages when {@code page_size > 1}). Requests leave with a {@link PageChain}
 * that names its pages in the store, so no node reads the catalog during a run.
 */
public final class PageCatalog
{
    private final int pageSize;
    private final int[][] requestPages;
    private final int[][] finishedPages;
    private final PageChain[] chains;
    private final PageChain[] finished;
    /** The keys by page id of a recording ({@link #ofKeys}), or null when they are made from {@link #digests}. */
    private final String[] keys;
    /** The digests by page id of a trace's pages ({@link #build}), 32 bytes each, or null. */
    private final byte[] digests;
    private final int pageCount;

    private PageCatalog(final int pageSize, final int[][] requestPages, final byte[] digests, final int pageCount)
    {
        this.pageSize = pageSize;
        this.requestPages = requestPages;
        this.finishedPages = requestPages;
        this.pageCount = pageCount;
        this.keys = null;
        this.digests = digests;
        // every chain shares the one digest array: a request carries its page ids, and a key is made only where a
        // page is named to the store
        this.chains = new PageChain[requestPages.length];
        for (int r = 0; r < requestPages.length; r++)
        {
            chains[r] = PageChain.ofDigests(requestPages[r], digests);
        }
        this.finished = chains;
    }

    /**
     * @param finishedPages each request's {@code requestPages} followed by the full pages its output completed (the
     *                      same array when none are known)
     */
    private PageCatalog(final int pageSize, final int[][] requestPages, final int[][] finishedPages,
        final String[] keys)
    {
        this.pageSize = pageSize;
        this.requestPages = requestPages;
        this.finishedPages = finishedPages;
        this.pageCount = keys.length;
        this.keys = keys;
        this.digests = null;
        // every chain shares the key strings above: a request carries one reference per page, not a string
        this.chains = new PageChain[requestPages.length];
        this.finished = new PageChain[requestPages.length];
        for (int r = 0; r < requestPages.length; r++)
        {
            final PageChain full = chainOf(finishedPages[r], keys);
            finished[r] = full;
            chains[r] = finishedPages[r] == requestPages[r] ? full : full.prefix(requestPages[r].length);
        }
    }

    private static PageChain chainOf(final int[] ids, final String[] keys)
    {
        final String[] chainKeys = new String[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            chainKeys[i] = keys[ids[i]];
        }
        return new PageChain(ids, chainKeys);
    }

    public static PageCatalog build(final List<TraceRecord> records, final int pageSize)
    {
        if (pageSize <= 0 || TraceRecord.BLOCK_TOKENS % pageSize != 0)
        {
            throw new IllegalArgumentException("page size must divide 512, got " + pageSize);
        }
        final PageChainBuilder.Result built = PageChainBuilder.build(records, pageSize);
        return new PageCatalog(pageSize, built.requestPages(), built.digests(), built.pageCount());
    }

    /**
     * Page chains from page keys a run recorded (a live worker's or router's hash chain, hex), instead of from trace
     * block ids: equal keys get one dense id, in first-seen order, so prefix sharing is what the recording saw. The
     * keys stay the pages' L3 keys.
     *
     * @param requestKeys each request's page keys, root first, in request order
     * @param pageSize    tokens per page the keys were made at
     */
    public static PageCatalog ofKeys(final List<String[]> requestKeys, final int pageSize)
    {
        return ofKeys(requestKeys, null, pageSize);
    }

    /**
     * {@link #ofKeys(List, int)} with, for each request, the keys of the full pages its output completed (a live
     * worker's recording), which the request caches when it finishes.
     *
     * @param outputKeys each request's output page keys, in request order; null when none are known
     */
    public static PageCatalog ofKeys(final List<String[]> requestKeys, final List<String[]> outputKeys,
        final int pageSize)
    {
        if (pageSize <= 0)
        {
            throw new IllegalArgumentException("page size must be > 0, got " + pageSize);
        }
        final Map<String, Integer> ids = new HashMap<>();
        final List<String> keys = new ArrayList<>();
        final int[][] requestPages = new int[requestKeys.size()][];
        final int[][] finishedPages = new int[requestKeys.size()][];
        for (int r = 0; r < requestPages.length; r++)
        {
            final String[] chain = requestKeys.get(r);
            final int[] pages = new int[chain.length];
            for (int i = 0; i < chain.length; i++)
            {
                final String key = chain[i];
                pages[i] = ids.computeIfAbsent(key, k ->
                {
                    keys.add(k);
                    return keys.size() - 1;
                });
            }
            requestPages[r] = pages;
            final String[] out = outputKeys == null ? null : outputKeys.get(r);
            if (out == null || out.length == 0)
            {
                finishedPages[r] = pages;
                continue;
            }
            final int[] full = Arrays.copyOf(pages, pages.length + out.length);
            for (int i = 0; i < out.length; i++)
            {
                full[pages.length + i] = ids.computeIfAbsent(out[i], k ->
                {
                    keys.add(k);
                    return keys.size() - 1;
                });
            }
            finishedPages[r] = full;
        }
        return new PageCatalog(pageSize, requestPages, finishedPages, keys.toArray(new String[0]));
    }

    public int pageSize()
    {
        return pageSize;
    }

    public int pageCount()
    {
        return pageCount;
    }

    /** The full-page chain of request {@code index} (in trace order). */
    public int[] pages(final int index)
    {
        return requestPages[index];
    }

    /** Request {@code index}'s chain with its pages' L3 keys, as the request carries it. */
    public PageChain chain(final int index)
    {
        return chains[index];
    }

    /** The pages request {@code index} caches when it finishes: its chain, then the full pages its output made. */
    public PageChain finished(final int index)
    {
        return finished[index];
    }

    /** The L3 key of page {@code pageId}: SGLang's page hash, hex. */
    public String key(final int pageId)
    {
        return keys != null ? keys[pageId]
            : PageHasher.hex(digests, pageId * PageHasher.DIGEST_BYTES, PageHasher.DIGEST_BYTES);
    }

    /**
     * Ideal page-granular prefix hit: tokens of each request's longest chain prefix seen before, over all input
     * tokens, with infinite capacity and one global pool (the same convention as the hit mode, at page size).
     */
    public double idealHitRatio(final List<TraceRecord> records)
    {
        return records.isEmpty() ? 0 : (double)idealHitTokens(records.size()) / records.stream()
            .mapToLong(TraceRecord::inputLength).sum();
    }

    /**
     * Tokens of the first {@code n} requests covered by a chain prefix some earlier request computed (its prompt, and
     * its output where the recording knows it).
     */
    public long idealHitTokens(final int n)
    {
        final boolean[] seen = new boolean[pageCount];
        long hit = 0;
        for (int r = 0; r < n; r++)
        {
            final int[] chain = requestPages[r];
            int i = 0;
            while (i < chain.length && seen[chain[i]])
            {
                i++;
            }
            hit += (long)i * pageSize;
            for (final int p : finishedPages[r])
            {
                seen[p] = true;
            }
        }
        return hit;
    }
}
