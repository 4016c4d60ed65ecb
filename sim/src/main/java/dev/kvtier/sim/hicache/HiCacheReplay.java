package dev.kvtier.sim.hicache;

import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PolicyRequest;
import dev.kvtier.model.hicache.StorePages;
import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.sim.hits.BlockTrace;

import java.util.function.LongConsumer;

/**
 * Replays a trace through the serving simulator's own {@link HiRadixCache} with no clock: L1/L2 residency per
 * instance over one shared L3, every write policy, a trace block being one page. Per request, in trace order (the
 * steps are {@link PolicyRequest}'s; this class routes, counts hits by tier and sums the caches' counters):
 * <ol>
 *   <li>match: the device prefix is the L1 hit, the host-only pages after it the L2 hit, and the stored pages
 *       after those (consecutive from the first) the L3 hit, read into host if L2 can make room without dropping
 *       the matched host pages (they are locked meanwhile);</li>
 *   <li>the whole chain is inserted on the device (loaded back or computed), counting hits for the write policy;
 *       the device may run over its capacity until the last step;</li>
 *   <li>the pages the policy wants on host are written there (the chain locked, so L2 eviction spares it), and
 *       every page so written is backed up to L3 unless already stored;</li>
 *   <li>L1 evicts least recent leaves down to its capacity, demoting or deleting as the policy says.</li>
 * </ol>
 * This is the order of SGLang's policy simulator; the serving simulator runs the same cache calls with time
 * between them.
 */
public final class HiCacheReplay
{
    private static final int PROGRESS_EVERY = 64;
    /**
     * Most page ids a variant's caches index directly, 2 bytes each (4 past 65,533 slots: at most 64 MB a variant,
     * so up to that many times {@code --threads} while variants run side by side): beyond that, each cache indexes
     * only the pages it holds.
     */
    private static final long DIRECT_IDS = 16L << 20;

    private HiCacheReplay()
    {
    }

    /**
     * Runs one variant.
     *
     * @param seed     seed of the random routing stream (unused by the other routings)
     * @param progress receives the page references replayed since its last call; may be null
     */
    public static HiCacheCounts run(final BlockTrace trace, final HiCacheScenario scenario, final long seed,
        final LongConsumer progress)
    {
        final int pools = scenario.pools();
        final int[] pool = scenario.routing().route(trace, pools, scenario.prefixHashBlocks(), seed);
        final HiRadixCache[] caches = new HiRadixCache[pools];
        // each cache indexes the trace's ids directly while all of them together take at most DIRECT_IDS ids
        final int pageIds = (long)trace.idSpace() * pools <= DIRECT_IDS ? trace.idSpace() : 0;
        for (int p = 0; p < pools; p++)
        {
            caches[p] = HiRadixCache.unlockedLru(scenario.share(scenario.l1Pages(), p),
                scenario.share(scenario.l2Pages(), p), scenario.policy(), scenario.cacheThreshold(), pageIds);
        }
        final StorePages store = scenario.l3Pages() > 0 ? new StorePages(scenario.l3Pages()) : null;
        final PolicyRequest step = new PolicyRequest();
        // only boundary_l1_l2's L2 may drop host copies of device pages, so only it needs the chain locked while
        // its host copies are written; under the others every page of the chain is on the device by then
        final boolean guardChain = scenario.policy() == WritePolicy.BOUNDARY_L1_L2;
        int[] pages = new int[64];
        long refs = 0;
        long tokens = 0;
        final long[] hitPages = new long[3];
        final long[] hitTokens = new long[3];
        long failedReads = 0;
        long pendingProgress = 0;
        for (int r = 0; r < trace.requests(); r++)
        {
            final HiRadixCache cache = caches[pool[r]];
            final int n = trace.blockCount(r);
            if (pages.length < n)
            {
                pages = new int[Math.max(n, pages.length * 2)];
            }
            for (int j = 0; j < n; j++)
            {
                pages[j] = trace.block(r, j);
            }
            step.run(cache, pages, n, store, guardChain);
            final int d = step.devicePages();
            final int cached = step.cachedPages();
            final int stored = step.storedPages();
            if (step.failedRead())
            {
                failedReads++;
            }
            refs += n;
            tokens += trace.inputLength(r);
            hitPages[0] += d;
            hitPages[1] += cached - d;
            hitPages[2] += stored;
            for (int j = 0; j < cached + stored; j++)
            {
                hitTokens[j < d ? 0 : j < cached ? 1 : 2] += trace.blockTokens(r, j);
            }
            pendingProgress += n;
            if (progress != null && (r % PROGRESS_EVERY == 0 || r == trace.requests() - 1))
            {
                progress.accept(pendingProgress);
                pendingProgress = 0;
            }
        }
        return counts(caches, store, refs, tokens, hitPages, hitTokens, failedReads);
    }

    private static HiCacheCounts counts(final HiRadixCache[] caches, final StorePages store, final long refs,
        final long tokens, final long[] hitPages, final long[] hitTokens, final long failedReads)
    {
        long l1Evictions = 0;
        long l2Evictions = 0;
        long demotions = 0;
        long failed = failedReads;
        long residentL1 = 0;
        long residentL2 = 0;
        long both = 0;
        for (final HiRadixCache c : caches)
        {
            l1Evictions += c.deviceEvictions();
            l2Evictions += c.hostEvictions();
            demotions += c.demotions();
            failed += c.failedHostAllocations();
            residentL1 += c.deviceTreePages();
            residentL2 += c.hostTreePages();
            both += c.duplicatePages();
        }
        return new HiCacheCounts(refs, tokens, hitPages[0], hitPages[1], hitPages[2], hitTokens[0], hitTokens[1],
            hitTokens[2], l1Evictions, l2Evictions, store == null ? 0 : store.evictions(), demotions, failed,
            residentL1, residentL2, both, store == null ? 0 : store.puts(), store == null ? 0 : store.gets());
    }
}
