package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tier semantics of the page tree: states, LRU per tier, what eviction may and may not drop. */
class HiRadixCacheTest
{
    private final MatchResult match = new MatchResult();

    private static void computeAndInsert(final HiRadixCache cache, final int[] pages)
    {
        assertThat(cache.reserveDevice(pages.length)).isTrue();
        final int[] backup = new int[pages.length];
        final int wants = cache.insert(pages, pages.length, backup);
        final int written = cache.beginHostWrite(backup, wants);
        cache.endHostWrite(backup, written);
    }

    @Test
    void shouldKeepBackedUpPagesOnHostWhenTheGpuEvictsThem()
    {
        final HiRadixCache cache = new HiRadixCache(4, 8, WritePolicy.WRITE_THROUGH);
        computeAndInsert(cache, new int[] {1, 2, 3, 4});
        computeAndInsert(cache, new int[] {5, 6});
        assertThat(cache.deviceTreePages()).isEqualTo(4);
        cache.match(new int[] {1, 2, 3, 4}, 4, match);
        assertThat(match.devicePages() + match.hostPages()).isEqualTo(4);
        assertThat(cache.hostTreePages()).isEqualTo(6);
        // the first chain lost its deepest pages to the GPU, not to the host
        cache.match(new int[] {5, 6}, 2, match);
        assertThat(match.devicePages()).isEqualTo(2);
    }

    @Test
    void shouldLoadHostOnlyPagesBackAfterTheDevicePrefix()
    {
        final HiRadixCache cache = new HiRadixCache(2, 8, WritePolicy.WRITE_THROUGH);
        computeAndInsert(cache, new int[] {1, 2});
        computeAndInsert(cache, new int[] {7, 8});
        cache.match(new int[] {1, 2}, 2, match);
        assertThat(match.devicePages()).isZero();
        assertThat(match.hostPages()).isEqualTo(2);
        assertThat(cache.loadBack(new int[] {1, 2}, 0, 2)).isTrue();
        assertThat(cache.onDevice(1) && cache.onDevice(2)).isTrue();
        assertThat(cache.onDevice(7)).isFalse();
    }

    @Test
    void shouldDeleteUnbackedPagesAndNeverEvictLockedOrPinnedOnes()
    {
        final HiRadixCache cache = new HiRadixCache(2, 0, WritePolicy.WRITE_THROUGH_SELECTIVE);
        computeAndInsert(cache, new int[] {1, 2});
        assertThat(cache.hostTreePages()).isZero();
        cache.lock(new int[] {1, 2}, 0, 2);
        assertThat(cache.reserveDevice(1)).isFalse();
        cache.unlock(new int[] {1, 2}, 0, 2);
        assertThat(cache.reserveDevice(1)).isTrue();
        assertThat(cache.contains(2)).isFalse();
        assertThat(cache.contains(1)).isTrue();
    }

    @Test
    void shouldBackUpOnlyOnTheSecondHitUnderWriteThroughSelective()
    {
        final HiRadixCache cache = new HiRadixCache(8, 8, WritePolicy.WRITE_THROUGH_SELECTIVE);
        computeAndInsert(cache, new int[] {1, 2});
        assertThat(cache.onHost(1)).isFalse();
        computeAndInsert(cache, new int[] {1, 2});
        assertThat(cache.onHost(1) && cache.onHost(2)).isTrue();
    }

    @Test
    void shouldWriteToHostOnlyAtEvictionUnderWriteBack()
    {
        final HiRadixCache cache = new HiRadixCache(2, 4, WritePolicy.WRITE_BACK);
        computeAndInsert(cache, new int[] {1, 2});
        assertThat(cache.onHost(1)).isFalse();
        assertThat(cache.reserveDevice(2)).isTrue();
        assertThat(cache.onHost(1) && cache.onHost(2)).isTrue();
        assertThat(cache.onDevice(1)).isFalse();
        assertThat(cache.writeBackPages()).isEqualTo(2);
    }

    @Test
    void shouldTouchAPageAnInsertPutOnTheDeviceBeforeItEvictsForTheNextOneWithoutAReservation()
    {
        // the insert holds its pages' first touches for the chain's closing touch; an eviction in between must
        // see them, or page 10 would be no candidate yet and stay on the over-full device
        for (final HiRadixCache cache : new HiRadixCache[] {new HiRadixCache(1, 4, WritePolicy.WRITE_BACK),
            HiRadixCache.unlockedLru(1, 4, WritePolicy.WRITE_BACK, 1, 16)})
        {
            computeAndInsert(cache, new int[] {1});
            cache.insert(new int[] {10, 11}, 2, new int[2]);
            assertThat(cache.onHost(1) && !cache.onDevice(1)).isTrue();
            assertThat(cache.onHost(10) && !cache.onDevice(10)).isTrue();
            assertThat(cache.onDevice(11)).isTrue();
            assertThat(cache.deviceTreePages()).isEqualTo(1);
            assertThat(cache.deviceEvictions()).isEqualTo(2);
        }
    }

    @Test
    void shouldSpareHostPagesPinnedByABackupOrAPrefetch()
    {
        final HiRadixCache cache = new HiRadixCache(1, 2, WritePolicy.WRITE_THROUGH);
        computeAndInsert(cache, new int[] {1});
        computeAndInsert(cache, new int[] {2});
        assertThat(cache.onDevice(1)).isFalse();
        cache.protectHost(1);
        assertThat(cache.reserveHost(1)).isFalse();
        cache.releaseHost(1);
        assertThat(cache.reserveHost(1)).isTrue();
        assertThat(cache.contains(1)).isFalse();
    }

    /** A request that finds {@code pages} cached and inserts them again when it is done: one hit each. */
    private void hit(final HiRadixCache cache, final int[] pages)
    {
        cache.match(pages, pages.length, match);
        assertThat(match.devicePages()).isEqualTo(pages.length);
        final int[] backup = new int[pages.length];
        final int written = cache.beginHostWrite(backup, cache.insert(pages, pages.length, backup));
        cache.endHostWrite(backup, written);
    }

    @Test
    void shouldEvictInEntryOrderUnderFifoAndInRecencyOrderUnderLru()
    {
        for (final RadixEvictionPolicy policy : new RadixEvictionPolicy[] {RadixEvictionPolicy.LRU,
            RadixEvictionPolicy.FIFO})
        {
            final HiRadixCache cache = new HiRadixCache(2, 0, WritePolicy.WRITE_THROUGH, policy);
            computeAndInsert(cache, new int[] {1});
            computeAndInsert(cache, new int[] {2});
            cache.match(new int[] {1}, 1, match);
            computeAndInsert(cache, new int[] {3});
            assertThat(cache.contains(1)).as(policy + ": the page entered first, used last")
                .isEqualTo(policy == RadixEvictionPolicy.LRU);
            assertThat(cache.contains(2)).as(policy.label()).isEqualTo(policy == RadixEvictionPolicy.FIFO);
        }
    }

    @Test
    void shouldFreeAWholeChainInOnePassUnderEitherPolicy()
    {
        for (final RadixEvictionPolicy policy : RadixEvictionPolicy.values())
        {
            final HiRadixCache cache = new HiRadixCache(8, 0, WritePolicy.WRITE_THROUGH, policy);
            computeAndInsert(cache, new int[] {1, 2, 3, 4, 5, 6});
            assertThat(cache.evictDevice(5)).as("%s: each parent freed is taken in the same pass", policy)
                .isEqualTo(5);
            assertThat(cache.contains(1)).isTrue();
            assertThat(cache.contains(2)).isFalse();
            assertThat(cache.reserveDevice(7)).as(policy.label()).isTrue();
        }
    }

    @Test
    void shouldTakeTheBlockPoolPoliciesThatHaveARadixForm()
    {
        assertThat(RadixEvictionPolicy.of(dev.kvtier.model.cache.EvictionPolicy.LRU))
            .isEqualTo(RadixEvictionPolicy.LRU);
        assertThat(RadixEvictionPolicy.of(dev.kvtier.model.cache.EvictionPolicy.FIFO))
            .isEqualTo(RadixEvictionPolicy.FIFO);
        org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RadixEvictionPolicy.of(dev.kvtier.model.cache.EvictionPolicy.OPT))
            .hasMessageContaining("use lru, lfu or fifo");
        assertThat(RadixEvictionPolicy.of(dev.kvtier.model.cache.EvictionPolicy.LFU))
            .isEqualTo(RadixEvictionPolicy.LFU);
        assertThat(RadixEvictionPolicy.parse("LFU")).isEqualTo(RadixEvictionPolicy.LFU);
    }

    @Test
    void shouldKeepAFrequentlyHitOldPageUnderLfuWhereLruDropsIt()
    {
        for (final RadixEvictionPolicy policy : RadixEvictionPolicy.values())
        {
            final HiRadixCache cache = new HiRadixCache(2, 0, WritePolicy.WRITE_THROUGH, policy);
            computeAndInsert(cache, new int[] {1});
            hit(cache, new int[] {1});
            hit(cache, new int[] {1});
            computeAndInsert(cache, new int[] {2});
            computeAndInsert(cache, new int[] {3});
            assertThat(cache.contains(1)).as("%s: three hits, least recent", policy)
                .isEqualTo(policy == RadixEvictionPolicy.LFU);
            assertThat(cache.contains(2)).as("%s: one hit, more recent", policy)
                .isEqualTo(policy != RadixEvictionPolicy.LFU);
        }
    }

    @Test
    void shouldBreakLfuTiesByRecency()
    {
        final HiRadixCache cache = new HiRadixCache(2, 0, WritePolicy.WRITE_THROUGH, RadixEvictionPolicy.LFU);
        computeAndInsert(cache, new int[] {1});
        computeAndInsert(cache, new int[] {2});
        cache.match(new int[] {1}, 1, match); // renews page 1, counts no hit
        computeAndInsert(cache, new int[] {3});
        assertThat(cache.contains(1)).as("one hit each: the more recent stays").isTrue();
        assertThat(cache.contains(2)).isFalse();
    }

    @Test
    void shouldCountLfuHitsAtInsertNotAtMatch()
    {
        final HiRadixCache cache = new HiRadixCache(2, 0, WritePolicy.WRITE_THROUGH, RadixEvictionPolicy.LFU);
        computeAndInsert(cache, new int[] {1});
        computeAndInsert(cache, new int[] {2});
        hit(cache, new int[] {2});
        for (int i = 0; i < 5; i++)
        {
            cache.match(new int[] {1}, 1, match);
        }
        computeAndInsert(cache, new int[] {3});
        assertThat(cache.contains(1)).as("matched five times, inserted once").isFalse();
        assertThat(cache.contains(2)).as("inserted twice").isTrue();
    }

    @Test
    void shouldOrderLfuByRecencyAloneUnderWriteBackAsSglangCountsNoHitsThere()
    {
        final HiRadixCache cache = new HiRadixCache(2, 0, WritePolicy.WRITE_BACK, RadixEvictionPolicy.LFU);
        computeAndInsert(cache, new int[] {1});
        hit(cache, new int[] {1});
        hit(cache, new int[] {1});
        computeAndInsert(cache, new int[] {2});
        computeAndInsert(cache, new int[] {3});
        assertThat(cache.contains(1)).isFalse();
        assertThat(cache.contains(2)).isTrue();
    }

    @Test
    void shouldTakeAParentWithFewerHitsThanItsChildInTheSameLfuPass()
    {
        final HiRadixCache cache = new HiRadixCache(8, 0, WritePolicy.WRITE_THROUGH, RadixEvictionPolicy.LFU);
        final int[] chain = {1, 2, 3};
        computeAndInsert(cache, chain);
        // the output page of a finished request counts a hit, its prompt's pages do not: 3 has more hits than 2
        cache.insert(chain, 2, 3, new int[3]);
        computeAndInsert(cache, new int[] {7});
        // 7 (one hit) goes first, then 3 (two); 2 and 1 (one hit each) become leaves below the key just taken and
        // are what SGLang's heap pops next
        assertThat(cache.evictDevice(3)).isEqualTo(3);
        assertThat(cache.contains(7) || cache.contains(3) || cache.contains(2)).isFalse();
        assertThat(cache.contains(1)).isTrue();
        assertThat(cache.evictDevice(1)).isEqualTo(1);
        assertThat(cache.deviceTreePages()).isZero();
    }

    @Test
    void shouldFreeMorePagesThanLeavesHoldAndStopWhereLockedPagesBeginUnderLfu()
    {
        final HiRadixCache cache = new HiRadixCache(4, 0, WritePolicy.WRITE_THROUGH, RadixEvictionPolicy.LFU);
        final int[] chain = {1, 2, 3, 4};
        computeAndInsert(cache, chain);
        hit(cache, chain);
        assertThat(cache.reserveDevice(4)).as("one leaf at a time, the whole chain in one call").isTrue();
        assertThat(cache.deviceTreePages()).isZero();
        cache.releaseDevice(4);
        computeAndInsert(cache, chain);
        cache.lock(chain, 0, 2);
        assertThat(cache.reserveDevice(4)).as("two pages are locked").isFalse();
        assertThat(cache.contains(2) && !cache.contains(3)).isTrue();
        assertThat(cache.reserveDevice(2)).isTrue();
    }

    @Test
    void shouldEvictTheHostPageWithFewerHitsFirstUnderLfu()
    {
        for (final RadixEvictionPolicy policy : new RadixEvictionPolicy[] {RadixEvictionPolicy.LRU,
            RadixEvictionPolicy.LFU})
        {
            final HiRadixCache cache = new HiRadixCache(1, 2, WritePolicy.WRITE_THROUGH, policy);
            computeAndInsert(cache, new int[] {1});
            hit(cache, new int[] {1});
            hit(cache, new int[] {1});
            computeAndInsert(cache, new int[] {2});
            computeAndInsert(cache, new int[] {3});
            assertThat(cache.onHost(1)).as("%s: three hits, least recent", policy)
                .isEqualTo(policy == RadixEvictionPolicy.LFU);
            assertThat(cache.contains(2)).as(policy.label()).isEqualTo(policy == RadixEvictionPolicy.LRU);
        }
    }

    @Test
    void shouldLeaveTheCacheAsABeginAndEndOfTheSameHostWriteWouldWhenWritingAtOnce()
    {
        for (final WritePolicy policy : WritePolicy.values())
        {
            for (final RadixEvictionPolicy eviction : RadixEvictionPolicy.values())
            {
                final HiRadixCache paired = new HiRadixCache(40, 60, policy, 1, eviction);
                final HiRadixCache atOnce = new HiRadixCache(40, 60, policy, 1, eviction);
                final java.util.SplittableRandom random = new java.util.SplittableRandom(policy.ordinal());
                for (int r = 0; r < 2_000; r++)
                {
                    // chains that share prefixes: a page id names its whole prefix, as a trace's hash ids do (its
                    // base-8 digits, none of them 0, are the choices made from the first page on)
                    final int length = 1 + random.nextInt(8);
                    final int[] pages = new int[length];
                    int id = 1 + random.nextInt(7);
                    for (int j = 0; j < length; j++)
                    {
                        pages[j] = id;
                        id = id * 8 + 1 + random.nextInt(j < 2 ? 3 : 2);
                    }
                    for (final HiRadixCache cache : new HiRadixCache[] {paired, atOnce})
                    {
                        cache.peek(pages, length, match);
                        cache.overdrawDevice(length - match.devicePages());
                        final int[] backup = new int[length];
                        final int wants = cache.insert(pages, length, backup);
                        if (cache == paired)
                        {
                            cache.endHostWrite(backup, cache.beginHostWrite(backup, wants));
                        }
                        else
                        {
                            cache.writeHost(backup, wants);
                        }
                        cache.trimDevice();
                    }
                    assertThat(atOnce.deviceEvictions()).isEqualTo(paired.deviceEvictions());
                    assertThat(atOnce.hostEvictions()).isEqualTo(paired.hostEvictions());
                    assertThat(atOnce.failedHostAllocations()).isEqualTo(paired.failedHostAllocations());
                    for (final int page : pages)
                    {
                        assertThat(atOnce.onDevice(page)).isEqualTo(paired.onDevice(page));
                        assertThat(atOnce.onHost(page)).isEqualTo(paired.onHost(page));
                    }
                }
                assertThat(atOnce.deviceTreePages()).isEqualTo(paired.deviceTreePages());
                assertThat(atOnce.hostTreePages()).isEqualTo(paired.hostTreePages());
                assertThat(atOnce.duplicatePages()).isEqualTo(paired.duplicatePages());
            }
        }
    }
}
