package dev.kvtier.sim.serving;

import dev.kvtier.model.hicache.BlockTokens;
import dev.kvtier.model.hicache.PageHasher;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.TraceRecord;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog built depth by depth on all cores equals the plain reading of SGLang's hash chain: hash each
 * request's pages in order, each chained on the one before, a block's pages computed where the block first
 * appears, and ids given to distinct hashes in order of first appearance.
 */
class PageCatalogTest
{
    @Test
    void recordedKeysGiveEqualIdsToEqualKeysInFirstSeenOrder()
    {
        final PageCatalog c = PageCatalog.ofKeys(List.of(new String[] {"aa", "bb"}, new String[] {"aa", "bb", "cc"},
            new String[] {"dd"}, new String[0]), 64);
        assertThat(c.pageSize()).isEqualTo(64);
        assertThat(c.pageCount()).isEqualTo(4);
        assertThat(c.pages(0)).containsExactly(0, 1);
        assertThat(c.pages(1)).containsExactly(0, 1, 2);
        assertThat(c.pages(2)).containsExactly(3);
        assertThat(c.pages(3)).isEmpty();
        assertThat(c.chain(1).key(2)).isEqualTo("cc");
        assertThat(c.key(3)).isEqualTo("dd");
        // request 1 finds its first two pages computed by request 0
        assertThat(c.idealHitTokens(3)).isEqualTo(2 * 64);
    }

    @Test
    void parallelBuildEqualsHashingRequestByRequest()
    {
        final List<TraceRecord> records = new ChatWorkloadGenerator(ChatWorkloadConfig.defaults().withDuration(300))
            .generate();
        final List<TraceRecord> withEdges = new ArrayList<>(records);
        // a block first seen partial (too short for a page at 512) and later full, and a one-block prompt
        withEdges.add(new TraceRecord(0, 700, 1, new long[] {9_000_001L, 9_000_002L}));
        withEdges.add(new TraceRecord(0, 1100, 1, new long[] {9_000_001L, 9_000_002L, 9_000_003L}));
        withEdges.add(new TraceRecord(0, 300, 1, new long[] {9_000_004L}));
        for (final int pageSize : new int[] {16, 64, 512})
        {
            final PageCatalog catalog = PageCatalog.build(withEdges, pageSize);
            final Reference reference = new Reference(withEdges, pageSize);
            assertThat(catalog.pageCount()).as("page size %d", pageSize).isEqualTo(reference.keys.size());
            for (int r = 0; r < withEdges.size(); r++)
            {
                assertThat(catalog.pages(r)).as("request %d, page size %d", r, pageSize)
                    .containsExactly(reference.chains.get(r));
            }
            for (int p = 0; p < catalog.pageCount(); p++)
            {
                assertThat(catalog.key(p)).isEqualTo(reference.keys.get(p));
            }
        }
    }

    /** Request by request, one hasher, a map from hash to id. */
    private static final class Reference
    {
        final List<int[]> chains = new ArrayList<>();
        final List<String> keys = new ArrayList<>();

        Reference(final List<TraceRecord> records, final int pageSize)
        {
            final PageHasher hasher = new PageHasher();
            final Map<Long, int[]> blockPages = new HashMap<>();
            final Map<String, Integer> ids = new HashMap<>();
            final List<byte[]> digests = new ArrayList<>();
            for (final TraceRecord rec : records)
            {
                final int fullPages = rec.inputLength() / pageSize;
                final List<Integer> chain = new ArrayList<>();
                byte[] prior = null;
                for (int b = 0; b < rec.hashIds().length && chain.size() < fullPages; b++)
                {
                    int[] pages = blockPages.get(rec.hashIds()[b]);
                    if (pages == null)
                    {
                        final int n = Math.min(TraceRecord.BLOCK_TOKENS / pageSize, rec.blockTokens(b) / pageSize);
                        final int[] tokens = BlockTokens.of(rec.hashIds()[b], n * pageSize);
                        pages = new int[n];
                        for (int j = 0; j < n; j++)
                        {
                            final byte[] h = hasher.hash(prior, tokens, j * pageSize, (j + 1) * pageSize);
                            final String key = PageHasher.hex(h);
                            Integer id = ids.get(key);
                            if (id == null)
                            {
                                id = keys.size();
                                ids.put(key, id);
                                keys.add(key);
                                digests.add(h);
                            }
                            pages[j] = id;
                            prior = h;
                        }
                        blockPages.put(rec.hashIds()[b], pages);
                    }
                    else if (pages.length > 0)
                    {
                        prior = digests.get(pages[pages.length - 1]);
                    }
                    for (int j = 0; j < pages.length && chain.size() < fullPages; j++)
                    {
                        chain.add(pages[j]);
                    }
                }
                chains.add(chain.stream().mapToInt(Integer::intValue).toArray());
            }
        }
    }
}
