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

    @Test
    void shouldEvictInEntryOrderUnderFifoAndInRecencyOrderUnderLru()
    {
        for (final RadixEvictionPolicy policy : RadixEvictionPolicy.values())
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
            .hasMessageContaining("use lru or fifo");
    }
}
