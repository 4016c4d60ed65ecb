package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recency lists of {@link HiRadixCache#unlockedLru} against the touch-keyed heaps of the general cache: on seeded
 * random workloads driven as the clock-free replay drives a cache (branching prefixes, re-visits, host-only pages
 * read from a store, every write policy, tier sizes down to no L2 and L2 below L1), both caches must evict the same
 * pages, seen as the same residency of every page and the same counters after every call; and a host order's list
 * must take the same pages in the same order as its heap under random touches, offers and passes, parents offered
 * mid-pass above and below the last key taken.
 */
class RecencyOrderEquivalenceTest
{
    private static final int SEEDS = 60;
    private static final int REQUESTS = 300;

    @Test
    void evictsTheSamePagesAsTheGeneralOrderUnderEveryWritePolicy()
    {
        for (final WritePolicy policy : WritePolicy.values())
        {
            long readFromStore = 0;
            for (int seed = 0; seed < SEEDS; seed++)
            {
                readFromStore += replay(policy, seed);
            }
            // the host-only pages read from L3 are part of what is compared
            assertThat(readFromStore).as(policy.cliName() + ": pages read from L3").isPositive();
        }
    }

    /** Returns the pages read from L3 over the run. */
    private static long replay(final WritePolicy policy, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed * 31 + policy.ordinal());
        final int l1 = 1 + random.nextInt(40);
        final int l2 = random.nextInt(6) == 0 ? 0 : random.nextInt(60);
        final int threshold = 1 + random.nextInt(3);
        final HiRadixCache general = new HiRadixCache(l1, l2, policy, threshold, RadixEvictionPolicy.LRU);
        // the ids indexed directly, as the replay does: a request makes at most 10 new pages
        final HiRadixCache lists = HiRadixCache.unlockedLru(l1, l2, policy, threshold, REQUESTS * 10);
        final int l3 = random.nextInt(6) == 0 ? 0 : 20 + random.nextInt(200);
        final StorePages generalStore = l3 == 0 ? null : new StorePages(l3);
        final StorePages listsStore = l3 == 0 ? null : new StorePages(l3);
        final PolicyRequest step = new PolicyRequest();
        long readFromStore = 0;
        final RandomChains chains = new RandomChains(random);
        for (int r = 0; r < REQUESTS; r++)
        {
            final int[] chain = chains.next();
            final String where = policy.cliName() + " seed " + seed + " request " + r + " (L1 " + l1 + ", L2 " + l2
                + ", L3 " + l3 + ", threshold " + threshold + ")";
            final boolean guard = policy == WritePolicy.BOUNDARY_L1_L2;
            step.run(general, chain.clone(), chain.length, generalStore, guard);
            final int generalStored = step.storedPages();
            readFromStore += generalStored;
            step.run(lists, chain.clone(), chain.length, listsStore, guard);
            assertThat(step.storedPages()).as("%s: pages read from L3", where).isEqualTo(generalStored);
            assertSame(general, lists, chains.pages(), where);
        }
        return readFromStore;
    }

    static void assertSame(final HiRadixCache general, final HiRadixCache lists, final int pages,
        final String where)
    {
        for (int p = 0; p < pages; p++)
        {
            if (lists.contains(p) != general.contains(p) || lists.onDevice(p) != general.onDevice(p)
                || lists.onHost(p) != general.onHost(p))
            {
                assertThat(new boolean[] {lists.contains(p), lists.onDevice(p), lists.onHost(p)})
                    .as("%s: page %d (in tree, on device, on host)", where, p)
                    .containsExactly(general.contains(p), general.onDevice(p), general.onHost(p));
            }
        }
        assertThat(new long[] {lists.deviceEvictions(), lists.hostEvictions(), lists.demotions(),
            lists.duplicateEvictions(), lists.failedHostAllocations(), lists.writeBackPages(), lists.deviceFree(),
            lists.hostFree()})
            .as("%s: evictions L1, L2, demotions, duplicate evictions, failed L2 allocations, written back, free "
                + "L1, free L2", where)
            .containsExactly(general.deviceEvictions(), general.hostEvictions(), general.demotions(),
                general.duplicateEvictions(), general.failedHostAllocations(), general.writeBackPages(),
                general.deviceFree(), general.hostFree());
    }

    @Test
    void aHostListTakesWhatItsHeapTakesInTheSameOrder()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int slots = 2 + random.nextInt(40);
            final HostEvictionOrder heap = new HostEvictionOrder(slots);
            final HostRecencyOrder list = new HostRecencyOrder(slots);
            final boolean[] heapEvictable = new boolean[slots];
            final boolean[] listEvictable = new boolean[slots];
            for (int s = 0; s < slots; s++)
            {
                heap.touched(s, 0); // every page is stamped before it is first offered: keys never tie
                list.touched(s, 0);
            }
            for (int step = 0; step < 400; step++)
            {
                final int op = random.nextInt(10);
                final int s = random.nextInt(slots);
                if (op < 4)
                {
                    final boolean evictable = random.nextInt(4) != 0;
                    touch(heap, heapEvictable, s, evictable);
                    touch(list, listEvictable, s, evictable);
                }
                else if (op < 6)
                {
                    heapEvictable[s] = false;
                    listEvictable[s] = false;
                }
                else if (op < 8)
                {
                    makeEvictable(heap, heapEvictable, s);
                    makeEvictable(list, listEvictable, s);
                }
                else
                {
                    final int pages = 1 + random.nextInt(4);
                    final long sideSeed = random.nextLong();
                    final List<Integer> fromHeap = pass(heap, heapEvictable, pages, new SplittableRandom(sideSeed));
                    final List<Integer> fromList = pass(list, listEvictable, pages, new SplittableRandom(sideSeed));
                    assertThat(fromList).as("seed %d step %d", seed, step).isEqualTo(fromHeap);
                }
            }
        }
    }

    private static void touch(final HostOrder order, final boolean[] evictable, final int s, final boolean now)
    {
        order.touched(s, 0);
        evictable[s] = now;
        if (now)
        {
            order.offer(s);
        }
    }

    private static void makeEvictable(final HostOrder order, final boolean[] evictable, final int s)
    {
        evictable[s] = true;
        order.offer(s);
    }

    /** A pass whose evictions now and then make another slot evictable (a parent whose last child went). */
    private static List<Integer> pass(final HostOrder order, final boolean[] evictable, final int pages,
        final SplittableRandom side)
    {
        final List<Integer> taken = new ArrayList<>();
        order.evict(pages, s -> evictable[s], s ->
        {
            taken.add(s);
            evictable[s] = false;
            final int other = side.nextInt(evictable.length);
            if (side.nextInt(3) == 0 && other != s)
            {
                makeEvictable(order, evictable, other);
            }
        });
        return taken;
    }
}
