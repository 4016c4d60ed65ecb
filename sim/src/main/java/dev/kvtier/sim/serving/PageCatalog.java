package dev.kvtier.sim.serving;

import dev.kvtier.model.hicache.BlockTokens;
import dev.kvtier.model.hicache.PageHasher;
import dev.kvtier.model.hicache.PageKeys;
import dev.kvtier.workloads.trace.TraceRecord;

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
        // Keys are made here, before the run, rather than on first use: every page of a serving run with storage
        // reaches the store, and keys made during the run survive young collections there only to be promoted.
        this.keys = new String[pageCount];
        for (int i = 0; i < pageCount; i++)
        {
            keys[i] = PageHasher.hex(hashes, i * 32, 32);
        }
    }

    public static PageCatalog build(final List<TraceRecord> records, final int pageSize)
    {
        if (pageSize <= 0 || TraceRecord.BLOCK_TOKENS % pageSize != 0)
        {
            throw new IllegalArgumentException("page size must divide 512, got " + pageSize);
        }
        final PageHasher hasher = new PageHasher();
        final Map<Long, int[]> blockPages = new HashMap<>();
        final DigestIds ids = new DigestIds();
        final byte[] digest = new byte[PageHasher.DIGEST_BYTES];
        final int[][] requestPages = new int[records.size()][];
        final int perBlock = TraceRecord.BLOCK_TOKENS / pageSize;
        for (int r = 0; r < records.size(); r++)
        {
            final TraceRecord rec = records.get(r);
            final long[] blocks = rec.hashIds();
            final int fullPages = rec.inputLength() / pageSize;
            final int[] chain = new int[fullPages];
            int filled = 0;
            int prior = -1;
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
                        hasher.hashInto(prior < 0 ? null : ids.digests(), prior * PageHasher.DIGEST_BYTES, tokens,
                            j * pageSize, (j + 1) * pageSize, digest, 0);
                        pagesOfBlock[j] = ids.idOf(digest);
                        prior = pagesOfBlock[j];
                    }
                    blockPages.put(blocks[b], pagesOfBlock);
                }
                else if (pagesOfBlock.length > 0)
                {
                    prior = pagesOfBlock[pagesOfBlock.length - 1];
                }
                for (int j = 0; j < pagesOfBlock.length && filled < fullPages; j++)
                {
                    chain[filled++] = pagesOfBlock[j];
                }
            }
            requestPages[r] = filled == fullPages ? chain : Arrays.copyOf(chain, filled);
        }
        final int count = ids.size();
        final byte[] store = Arrays.copyOf(ids.digests(), count * PageHasher.DIGEST_BYTES);
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
        return keys[pageId];
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


    /**
     * Dense ids for distinct digests, in order of first appearance, with the digests stored back to back. The table
     * is open addressing over ids, probed by the digest's first 8 bytes (already uniformly random) and confirmed on
     * all 32: a trace has millions of pages, and a map of wrapped byte arrays cost a catalog build four cache misses
     * and three objects per page.
     */
    private static final class DigestIds
    {
        private byte[] digests = new byte[PageHasher.DIGEST_BYTES * 1024];
        /** id + 1 per slot, 0 when empty. */
        private int[] slots = new int[2048];
        private int size;

        int size()
        {
            return size;
        }

        byte[] digests()
        {
            return digests;
        }

        int idOf(final byte[] digest)
        {
            final int mask = slots.length - 1;
            int i = home(digest, 0) & mask;
            int s;
            while ((s = slots[i]) != 0)
            {
                final int at = (s - 1) * PageHasher.DIGEST_BYTES;
                if (Arrays.equals(digests, at, at + PageHasher.DIGEST_BYTES, digest, 0, PageHasher.DIGEST_BYTES))
                {
                    return s - 1;
                }
                i = (i + 1) & mask;
            }
            final int id = size++;
            if (digests.length < size * PageHasher.DIGEST_BYTES)
            {
                digests = Arrays.copyOf(digests, digests.length * 2);
            }
            System.arraycopy(digest, 0, digests, id * PageHasher.DIGEST_BYTES, PageHasher.DIGEST_BYTES);
            slots[i] = id + 1;
            if (size * 2 > slots.length)
            {
                rehash();
            }
            return id;
        }

        private void rehash()
        {
            final int[] grown = new int[slots.length * 2];
            final int mask = grown.length - 1;
            for (int id = 0; id < size; id++)
            {
                int i = home(digests, id * PageHasher.DIGEST_BYTES) & mask;
                while (grown[i] != 0)
                {
                    i = (i + 1) & mask;
                }
                grown[i] = id + 1;
            }
            slots = grown;
        }

        private static int home(final byte[] bytes, final int offset)
        {
            int h = 0;
            for (int k = 0; k < 4; k++)
            {
                h = (h << 8) | (bytes[offset + k] & 0xFF);
            }
            return h;
        }
    }
}
