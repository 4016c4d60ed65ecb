package dev.kvtier.sim.serving;

import dev.kvtier.model.hicache.BlockTokens;
import dev.kvtier.model.hicache.PageHasher;
import dev.kvtier.workloads.trace.TraceRecord;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Builds a {@link PageCatalog}'s page chains and digests in three passes, so that the SHA-256 work — most of a
 * large trace's setup — runs on every core while the result stays exactly that of hashing request by request:
 * <ol>
 *   <li>discovery, in trace order: each block id seen for the first time becomes a new block with its page count
 *   (from the request that first shows it), the page its first page chains on, and a depth one below that page's
 *   block; pages are numbered in this order and requests' chains are written as page numbers;</li>
 *   <li>hashing, depth by depth: a block's digests need only its prior page's digest, which a shallower depth
 *   produced, so all blocks of one depth are hashed in parallel into disjoint ranges of one array;</li>
 *   <li>ids, in page order: equal digests share the id of the first (in practice every digest is new), and the
 *   chains are renumbered to those ids.</li>
 * </ol>
 */
final class PageChainBuilder
{
    /** Levels with fewer blocks than this are hashed on the calling thread. */
    private static final int PARALLEL_MIN_BLOCKS = 64;

    private final int pageSize;
    /** Block ids to block numbers, during discovery only (dropped before hashing: millions of boxed entries). */
    private Map<Long, Integer> blockIndex = new HashMap<>();
    private long[] blockIds = new long[1024];
    private int[] pageStart = new int[1024];
    private int[] pageCount = new int[1024];
    private int[] priorPage = new int[1024];
    private int[] depth = new int[1024];
    private int blocks;
    private int pages;

    /** What a build produces: chains as dense ids, and the digests of the ids back to back. */
    record Result(int[][] requestPages, byte[] digests, int pageCount)
    {
    }

    private PageChainBuilder(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    static Result build(final List<TraceRecord> records, final int pageSize)
    {
        final PageChainBuilder b = new PageChainBuilder(pageSize);
        final int[][] chains = b.discover(records);
        b.blockIndex = null;
        final byte[] digests = b.hash();
        return b.assignIds(chains, digests);
    }

    private int[][] discover(final List<TraceRecord> records)
    {
        final int[][] requestPages = new int[records.size()][];
        for (int r = 0; r < records.size(); r++)
        {
            final TraceRecord rec = records.get(r);
            final long[] ids = rec.hashIds();
            final int fullPages = rec.inputLength() / pageSize;
            final int[] chain = new int[fullPages];
            int filled = 0;
            int prior = -1;
            int priorBlock = -1;
            for (int i = 0; i < ids.length && filled < fullPages; i++)
            {
                Integer k = blockIndex.get(ids[i]);
                if (k == null)
                {
                    k = addBlock(ids[i], BlockTokens.wholePages(rec.blockTokens(i), pageSize), prior,
                        priorBlock < 0 ? 0 : depth[priorBlock] + 1);
                    blockIndex.put(ids[i], k);
                }
                final int n = pageCount[k];
                if (n > 0)
                {
                    prior = pageStart[k] + n - 1;
                    priorBlock = k;
                }
                for (int j = 0; j < n && filled < fullPages; j++)
                {
                    chain[filled++] = pageStart[k] + j;
                }
            }
            requestPages[r] = filled == fullPages ? chain : Arrays.copyOf(chain, filled);
        }
        return requestPages;
    }

    private int addBlock(final long id, final int n, final int prior, final int d)
    {
        if (blocks == blockIds.length)
        {
            final int grown = blocks * 2;
            blockIds = Arrays.copyOf(blockIds, grown);
            pageStart = Arrays.copyOf(pageStart, grown);
            pageCount = Arrays.copyOf(pageCount, grown);
            priorPage = Arrays.copyOf(priorPage, grown);
            depth = Arrays.copyOf(depth, grown);
        }
        final int k = blocks++;
        blockIds[k] = id;
        pageStart[k] = pages;
        pageCount[k] = n;
        priorPage[k] = prior;
        depth[k] = d;
        pages += n;
        return k;
    }

    private byte[] hash()
    {
        final byte[] digests = new byte[pages * PageHasher.DIGEST_BYTES];
        int maxDepth = -1;
        for (int k = 0; k < blocks; k++)
        {
            maxDepth = Math.max(maxDepth, depth[k]);
        }
        // blocks grouped by depth (counting sort, trace order kept within a depth)
        final int[] levelStart = new int[maxDepth + 2];
        for (int k = 0; k < blocks; k++)
        {
            levelStart[depth[k] + 1]++;
        }
        for (int d = 0; d <= maxDepth; d++)
        {
            levelStart[d + 1] += levelStart[d];
        }
        final int[] order = new int[blocks];
        final int[] next = Arrays.copyOf(levelStart, levelStart.length);
        for (int k = 0; k < blocks; k++)
        {
            order[next[depth[k]]++] = k;
        }
        final ThreadLocal<PageHasher> hashers = ThreadLocal.withInitial(PageHasher::new);
        final ThreadLocal<int[]> buffers = ThreadLocal.withInitial(() -> new int[BlockTokens.BLOCK_TOKENS]);
        for (int d = 0; d <= maxDepth; d++)
        {
            final IntStream level = IntStream.range(levelStart[d], levelStart[d + 1]);
            (levelStart[d + 1] - levelStart[d] < PARALLEL_MIN_BLOCKS ? level : level.parallel())
                .forEach(i -> hashBlock(order[i], hashers.get(), buffers.get(), digests));
        }
        return digests;
    }

    /** Hashes block {@code k}'s pages, its tokens made in {@code tokens} (a block's worth, reused per thread). */
    private void hashBlock(final int k, final PageHasher hasher, final int[] tokens, final byte[] digests)
    {
        final int n = pageCount[k];
        BlockTokens.fill(blockIds[k], tokens, n * pageSize);
        int prior = priorPage[k];
        for (int j = 0; j < n; j++)
        {
            final int page = pageStart[k] + j;
            hasher.hashInto(prior < 0 ? null : digests, prior * PageHasher.DIGEST_BYTES, tokens, j * pageSize,
                (j + 1) * pageSize, digests, page * PageHasher.DIGEST_BYTES);
            prior = page;
        }
    }

    /**
     * Equal digests share the id of the first; found through a table of page numbers probed over the digest array
     * itself, so the digests are not held twice while a trace of millions of pages is numbered.
     */
    private Result assignIds(final int[][] chains, final byte[] digests)
    {
        final int[] table = new int[Integer.highestOneBit(Math.max(16, pages) * 2 - 1) * 2];
        final int mask = table.length - 1;
        final int[] idOfPage = new int[pages];
        int distinct = 0;
        for (int p = 0; p < pages; p++)
        {
            final int at = p * PageHasher.DIGEST_BYTES;
            int i = home(digests, at) & mask;
            int first = -1;
            int q;
            while ((q = table[i]) != 0)
            {
                final int other = (q - 1) * PageHasher.DIGEST_BYTES;
                if (Arrays.equals(digests, other, other + PageHasher.DIGEST_BYTES, digests, at,
                    at + PageHasher.DIGEST_BYTES))
                {
                    first = q - 1;
                    break;
                }
                i = (i + 1) & mask;
            }
            if (first >= 0)
            {
                idOfPage[p] = idOfPage[first];
            }
            else
            {
                table[i] = p + 1;
                idOfPage[p] = distinct++;
            }
        }
        if (distinct == pages)
        {
            return new Result(chains, digests, pages);
        }
        final byte[] kept = new byte[distinct * PageHasher.DIGEST_BYTES];
        for (int p = 0, next = 0; p < pages; p++)
        {
            if (idOfPage[p] == next)
            {
                System.arraycopy(digests, p * PageHasher.DIGEST_BYTES, kept, next++ * PageHasher.DIGEST_BYTES,
                    PageHasher.DIGEST_BYTES);
            }
        }
        for (final int[] chain : chains)
        {
            for (int i = 0; i < chain.length; i++)
            {
                chain[i] = idOfPage[chain[i]];
            }
        }
        return new Result(chains, kept, distinct);
    }

    /** A digest's first four bytes, already uniformly random. */
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
