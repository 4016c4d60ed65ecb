package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundary_l1_l2 invariants of {@code docs/hicache-boundary.md}, checked after every request of seeded random
 * workloads (branching prefixes, re-visits, prefetched host-only pages) at random tier sizes, L2 below L1 and no
 * L2 at all among them:
 * <ol>
 *   <li>every page in the tree is on the device, on the host or both, and each tier is within its capacity;</li>
 *   <li>the device pages are prefix-closed (a device page's parent is on the device);</li>
 *   <li>a host-only page's parent has a host copy (the host tree extends the device tree with no gap);</li>
 *   <li>a request's longest cached prefix covers every page L1 or L2 holds of it: what a tier holds is reachable.</li>
 * </ol>
 */
class BoundaryL1L2PropertyTest
{
    private static final int SEEDS = 200;
    private static final int REQUESTS = 300;

    @Test
    void shouldKeepTheHostTreeAPrefixClosedExtensionOfTheDeviceTree()
    {
        for (int seed = 0; seed < SEEDS; seed++)
        {
            run(seed);
        }
    }

    private static void run(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int l1 = 1 + random.nextInt(40);
        final int l2 = random.nextInt(5) == 0 ? 0 : random.nextInt(60);
        final HiRadixCache cache = new HiRadixCache(l1, l2, WritePolicy.BOUNDARY_L1_L2);
        final RandomChains chains = new RandomChains(random);
        final MatchResult match = new MatchResult();
        for (int r = 0; r < REQUESTS; r++)
        {
            final int[] chain = chains.next();
            step(cache, chain, match, random);
            check(cache, chains.parents(), chains.pages(), l1, l2, "seed " + seed + " request " + r);
            cache.match(chain, chain.length, match);
            for (int i = match.matchedPages(); i < chain.length; i++)
            {
                assertThat(cache.contains(chain[i])).as("seed %d request %d: page %d cached beyond the matched "
                    + "prefix", seed, r, i).isFalse();
            }
        }
    }

    /** One clock-free request, as the replay runs it; sometimes with a prefetched host-only tail first. */
    private static void step(final HiRadixCache cache, final int[] pages, final MatchResult match,
        final SplittableRandom random)
    {
        final int n = pages.length;
        cache.match(pages, n, match);
        final int d = match.devicePages();
        final int cached = match.matchedPages();
        cache.lock(pages, 0, cached);
        if (cached < n && random.nextInt(4) == 0)
        {
            final int prefetched = 1 + random.nextInt(n - cached);
            if (cache.reserveHost(prefetched))
            {
                cache.insertHostOnly(pages, cached, cached + prefetched);
            }
        }
        cache.overdrawDevice(n - d);
        final int[] written = new int[n];
        final int wants = cache.insert(pages, n, written);
        cache.lock(pages, cached, n);
        final int copied = cache.beginHostWrite(written, wants);
        cache.endHostWrite(written, copied);
        cache.unlock(pages, 0, n);
        cache.trimDevice();
    }

    private static void check(final HiRadixCache cache, final int[] parentOf, final int pages, final int l1,
        final int l2, final String where)
    {
        int device = 0;
        int host = 0;
        for (int p = 0; p < pages; p++)
        {
            if (!cache.contains(p))
            {
                continue;
            }
            final boolean onDevice = cache.onDevice(p);
            final boolean onHost = cache.onHost(p);
            assertThat(onDevice || onHost).as("%s: page %d is in the tree on no tier", where, p).isTrue();
            device += onDevice ? 1 : 0;
            host += onHost ? 1 : 0;
            final int parent = parentOf[p];
            if (parent >= 0)
            {
                assertThat(cache.contains(parent)).as("%s: page %d's parent left the tree", where, p).isTrue();
                if (onDevice)
                {
                    assertThat(cache.onDevice(parent)).as("%s: device page %d under a parent not on the device",
                        where, p).isTrue();
                }
                if (onHost && !onDevice)
                {
                    assertThat(cache.onHost(parent)).as("%s: host-only page %d under a parent with no host copy",
                        where, p).isTrue();
                }
            }
        }
        assertThat(device).as("%s: device pages", where).isEqualTo(cache.deviceTreePages()).isLessThanOrEqualTo(l1);
        assertThat(host).as("%s: host pages", where).isEqualTo(cache.hostTreePages()).isLessThanOrEqualTo(l2);
        assertThat(cache.deviceReserved()).as("%s: device reservation left over", where).isZero();
    }
}
