package dev.kvtier.sim.serving;

import dev.kvtier.model.hicache.BlockTokens;
import dev.kvtier.model.hicache.PageHasher;
import dev.kvtier.model.hicache.PageKeys;
import dev.kvtier.workloads.trace.TraceRecord;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns trace requests into SGLang page chains. Each trace block id gets synthetic tokens ({@link BlockTokens});
 * each full page gets its SHA-256 chain hash ({@link PageHasher}), computed once per distinct block; pages with
 * equal hashes get one dense id. A request's chain is its full pages root first; the partial last page is not
 * cacheable (SGLang truncates to whole pages when {@code page_size > 1}).
 */
public final class PageCatalog implements PageKeys
{
    private final int pageSize;
    private final int[][] requestPages;
    private final byte[] hashes;
    private final String[] keys;
    private final int pageCount;

    private PageCatalog(final int pageSize, final int[][] requestPages, final byte[] hashes, final int pageCount)
    {
        this.pageSize = pageSize;
        this.requestPages = requestPages;
        this.hashes = hashes;
        this.pageCount = pageCount;
        this.keys = new String[pageCount];
    }

    public static PageCatalog build(final List<TraceRecord> records, final int pageSize)
    {
        if (pageSize <= 0 || TraceRecord.BLOCK_TOKENS % pageSize != 0)
        {
            throw new IllegalArgumentException("page size must divide 512, got " + pageSize);
        }
        final PageHasher hasher = new PageHasher();
        final Map<Long, int[]> blockPages = new HashMap<>();
        final Map<ByteBuffer, Integer> ids = new HashMap<>();
        byte[] store = new byte[32 * 1024];
        int count = 0;
        final int[][] requestPages = new int[records.size()][];
        final int perBlock = TraceRecord.BLOCK_TOKENS / pageSize;
        for (int r = 0; r < records.size(); r++)
        {
            final TraceRecord rec = records.get(r);
            final long[] blocks = rec.hashIds();
            final int fullPages = rec.inputLength() / pageSize;
            final int[] chain = new int[fullPages];
            int filled = 0;
            byte[] prior = null;
            for (int b = 0; b < blocks.length && filled < fullPages; b++)
            {
                final int blockLen = rec.blockTokens(b);
                int[] pagesOfBlock = blockPages.get(blocks[b]);
                if (pagesOfBlock == null)
                {
                    final int n = Math.min(perBlock, blockLen / pageSize);
                    final int[] tokens = BlockTokens.of(blocks[b], n * pageSize);
                    pagesOfBlock = new int[n];
                    for (int j = 0; j < n; j++)
                    {
                        final byte[] h = hasher.hash(prior, tokens, j * pageSize, (j + 1) * pageSize);
                        final ByteBuffer key = ByteBuffer.wrap(h);
                        Integer id = ids.get(key);
                        if (id == null)
                        {
                            id = count++;
                            ids.put(key, id);
                            if (store.length < count * 32)
                            {
                                store = Arrays.copyOf(store, store.length * 2);
                            }
                            System.arraycopy(h, 0, store, id * 32, 32);
                        }
                        pagesOfBlock[j] = id;
                        prior = h;
                    }
                    blockPages.put(blocks[b], pagesOfBlock);
                }
                else if (pagesOfBlock.length > 0)
                {
                    final int last = pagesOfBlock[pagesOfBlock.length - 1];
                    prior = Arrays.copyOfRange(store, last * 32, last * 32 + 32);
                }
                for (int j = 0; j < pagesOfBlock.length && filled < fullPages; j++)
                {
                    chain[filled++] = pagesOfBlock[j];
                }
            }
            requestPages[r] = filled == fullPages ? chain : Arrays.copyOf(chain, filled);
        }
        return new PageCatalog(pageSize, requestPages, store, count);
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

    @Override
    public String key(final int pageId)
    {
        String k = keys[pageId];
        if (k == null)
        {
            k = PageHasher.hex(hashes, pageId * 32, 32);
            keys[pageId] = k;
        }
        return k;
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

    /** Tokens of the first {@code n} requests covered by a chain prefix some earlier request computed. */
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
            for (final int p : chain)
            {
                seen[p] = true;
            }
        }
        return hit;
    }

}
