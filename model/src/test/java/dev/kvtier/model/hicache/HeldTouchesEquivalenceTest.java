package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An insert holds the first touches of the pages it sets until its closing chain touch: a cache doing so must be
 * indistinguishable from one making every touch as it comes ({@link HiRadixCache#makingEveryTouch}), in particular
 * when the device evicts inside an insert, whose reservation covers only part of the chain, while earlier pages'
 * touches are held. Seeded random workloads as a serving worker drives a cache (match, lock the prefix, reserve
 * part of the rest, insert, host writes, unlock), every write policy, tiny tiers so that evictions are frequent.
 */
class HeldTouchesEquivalenceTest
{
    private static final int SEEDS = 60;
    private static final int REQUESTS = 300;

    @Test
    void holdingFirstTouchesChangesNothingEvenWhenAnInsertEvictsMidway()
    {
        for (final WritePolicy policy : WritePolicy.values())
        {
            long midInsertEvictions = 0;
            for (int seed = 0; seed < SEEDS; seed++)
            {
                midInsertEvictions += replay(policy, seed);
            }
            assertThat(midInsertEvictions).as(policy.cliName() + ": evictions inside an insert").isPositive();
        }
    }

    /** Returns how many device pages were evicted inside inserts. */
    private static long replay(final WritePolicy policy, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed * 17 + policy.ordinal());
        final int l1 = 2 + random.nextInt(20);
        final int l2 = random.nextInt(5) == 0 ? 0 : random.nextInt(40);
        final int threshold = 1 + random.nextInt(3);
        final HiRadixCache reference = HiRadixCache.makingEveryTouch(l1, l2, policy, threshold);
        final HiRadixCache holding = new HiRadixCache(l1, l2, policy, threshold, RadixEvictionPolicy.LRU);
        final RandomChains chains = new RandomChains(random);
        final MatchResult match = new MatchResult();
        long midInsert = 0;
        for (int r = 0; r < REQUESTS; r++)
        {
            final int[] chain = chains.next();
            final String where = policy.cliName() + " seed " + seed + " request " + r + " (L1 " + l1 + ", L2 " + l2
                + ", threshold " + threshold + ")";
            final int partOfRest = random.nextInt(1 << 16);
            final boolean paired = random.nextBoolean();
            request(reference, chain, partOfRest, paired, match);
            final long evictedInside = request(holding, chain, partOfRest, paired, match);
            midInsert += evictedInside;
            assertThat(holding.touches()).as("%s: touches", where).isEqualTo(reference.touches());
            RecencyOrderEquivalenceTest.assertSame(reference, holding, chains.pages(), where);
        }
        return midInsert;
    }

    /**
     * One request: match, lock the prefix, reserve {@code partOfRest / 2^16} of the pages to set (the rest come out
     * of the free pages, evicting inside the insert when there are none), insert, write what the policy wants to
     * host (at once or begun and ended), unlock. Returns the device evictions inside the insert.
     */
    private static long request(final HiRadixCache cache, final int[] chain, final int partOfRest,
        final boolean paired, final MatchResult match)
    {
        cache.match(chain, chain.length, match);
        final int prefix = match.devicePages() + match.hostPages();
        cache.lock(chain, 0, prefix);
        final int toSet = chain.length - match.devicePages();
        final int reserve = (int)((long)toSet * partOfRest >>> 16);
        cache.reserveDevice(reserve); // when it cannot, the insert takes every page from the free ones
        final long before = cache.deviceEvictions();
        final int[] backup = new int[chain.length];
        final int wants = cache.insert(chain, chain.length, backup);
        final long inside = cache.deviceEvictions() - before;
        if (paired)
        {
            cache.endHostWrite(backup, cache.beginHostWrite(backup, wants));
        }
        else
        {
            cache.writeHost(backup, wants);
        }
        cache.unlock(chain, 0, prefix);
        cache.trimDevice();
        return inside;
    }
}
