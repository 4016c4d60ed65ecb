package dev.kvtier.model.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvictionPolicyTest
{
    private static final int FULL = 512;
    private static final int IDS = 64;

    private static void touch(final BlockCache c, final int... blocks)
    {
        for (final int b : blocks)
        {
            c.access(b, 0, FULL, BlockCache.NEVER);
        }
    }

    @Test
    void lruShouldEvictTheLeastRecentlyTouched()
    {
        final BlockCache c = new LruCache(2, IDS);
        touch(c, 1, 2, 1, 3);
        assertThat(c.contains(1)).isTrue();
        assertThat(c.contains(2)).isFalse();
        assertThat(c.contains(3)).isTrue();
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.evictions()).isEqualTo(1);
    }

    @Test
    void fifoShouldIgnoreHits()
    {
        final BlockCache c = new FifoCache(2, IDS);
        touch(c, 1, 2, 1, 3);
        assertThat(c.contains(1)).isFalse();
        assertThat(c.contains(2)).isTrue();
        assertThat(c.contains(3)).isTrue();
    }

    @Test
    void lfuShouldEvictTheLeastCountedAndBreakTiesByRecency()
    {
        final BlockCache c = new LfuCache(3, IDS);
        touch(c, 1, 1, 1, 2, 2, 3, 4);
        assertThat(c.contains(3)).as("count 1, older than 4").isFalse();
        touch(c, 5);
        assertThat(c.contains(4)).as("count 1, the only one left").isFalse();
        assertThat(c.contains(1)).isTrue();
        assertThat(c.contains(2)).isTrue();
        assertThat(c.contains(5)).isTrue();
    }

    @Test
    void lfuCountShouldRestartOnReadmission()
    {
        final BlockCache c = new LfuCache(2, IDS);
        touch(c, 1, 1, 1, 2, 3);
        assertThat(c.contains(2)).isFalse();
        touch(c, 2, 4);
        assertThat(c.contains(1)).as("count 3 outlives newcomers").isTrue();
        assertThat(c.contains(2)).isFalse();
        assertThat(c.contains(4)).isTrue();
    }

    @Test
    void beladyShouldEvictTheFarthestNextUse()
    {
        final BlockCache c = new BeladyCache(2, IDS);
        c.access(1, 0, FULL, 5);
        c.access(2, 0, FULL, 9);
        c.access(3, 0, FULL, 7);
        assertThat(c.contains(2)).isFalse();
        assertThat(c.contains(1)).isTrue();
        assertThat(c.contains(3)).isTrue();
    }

    @Test
    void beladyShouldBypassANewBlockThatIsNeededLast()
    {
        final BlockCache c = new BeladyCache(2, IDS);
        c.access(1, 0, FULL, 5);
        c.access(2, 0, FULL, 6);
        c.access(3, 0, FULL, BlockCache.NEVER);
        assertThat(c.contains(3)).isFalse();
        assertThat(c.contains(1)).isTrue();
        assertThat(c.contains(2)).isTrue();
        assertThat(c.evictions()).isEqualTo(1);
    }

    @Test
    void beladyShouldEvictTheDeepestOnTies()
    {
        final BlockCache c = new BeladyCache(2, IDS);
        c.access(10, 3, FULL, BlockCache.NEVER);
        c.access(11, 1, FULL, BlockCache.NEVER);
        c.access(12, 2, FULL, BlockCache.NEVER);
        assertThat(c.contains(10)).isFalse();
        assertThat(c.contains(11)).isTrue();
        assertThat(c.contains(12)).isTrue();
    }

    @Test
    void s3fifoShouldKeepReusedBlocksThroughAScanOfOneHitWonders()
    {
        final BlockCache s3 = new S3FifoCache(10, 1000);
        final BlockCache lru = new LruCache(10, 1000);
        for (final BlockCache c : new BlockCache[] {s3, lru})
        {
            touch(c, 1, 2, 3, 1, 2, 3);
            for (int b = 100; b < 130; b++)
            {
                touch(c, b);
            }
        }
        assertThat(s3.contains(1) && s3.contains(2) && s3.contains(3)).isTrue();
        assertThat(lru.contains(1) || lru.contains(2) || lru.contains(3)).isFalse();
        assertThat(s3.size()).isEqualTo(10);
    }

    @Test
    void s3fifoShouldReadmitAGhostIntoMain()
    {
        final S3FifoCache c = new S3FifoCache(10, 1000);
        touch(c, 1);
        for (int b = 100; b < 102; b++)
        {
            touch(c, b);
        }
        for (int b = 200; b < 220; b++)
        {
            touch(c, b);
        }
        assertThat(c.contains(1)).isFalse();
        touch(c, 1);
        for (int b = 300; b < 305; b++)
        {
            touch(c, b);
        }
        assertThat(c.contains(1)).as("a returning block lands in main, out of the small queue's churn").isTrue();
    }

    @Test
    void partialFirstLruShouldEvictPartialBlocksFirst()
    {
        final BlockCache c = new PartialFirstLruCache(2, IDS, FULL);
        c.access(1, 0, 100, BlockCache.NEVER);
        c.access(2, 0, FULL, BlockCache.NEVER);
        c.access(3, 0, FULL, BlockCache.NEVER);
        assertThat(c.contains(1)).isFalse();
        assertThat(c.contains(2)).isTrue();
        c.access(4, 0, FULL, BlockCache.NEVER);
        assertThat(c.contains(2)).as("then plain LRU").isFalse();
    }

    @Test
    void zeroCapacityShouldHoldNothing()
    {
        for (final EvictionPolicy p : EvictionPolicy.values())
        {
            final BlockCache c = p.create(0, IDS, FULL);
            touch(c, 1, 1, 2);
            assertThat(c.size()).as(p.label()).isZero();
            assertThat(c.contains(1)).isFalse();
        }
    }

    @Test
    void everyPolicyShouldNeverExceedItsCapacity()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (final EvictionPolicy p : EvictionPolicy.values())
        {
            final BlockCache c = p.create(17, 500, FULL);
            for (int i = 0; i < 20_000; i++)
            {
                final int b = (int)Math.min(499, Math.abs(random.nextGaussian() * 80));
                c.access(b, b % 7, b % 5 == 0 ? 100 : FULL, random.nextInt(1000));
                assertThat(c.size()).isLessThanOrEqualTo(17);
                assertThat(c.contains(b) || p.offline()).as(p.label() + " keeps what it just admitted").isTrue();
            }
        }
    }

    @Test
    void parseShouldListValidNames()
    {
        assertThat(EvictionPolicy.parse(" LRU ")).isEqualTo(EvictionPolicy.LRU);
        assertThatThrownBy(() -> EvictionPolicy.parse("arc"))
            .hasMessage("unknown eviction policy 'arc'; choose from lru, lfu, fifo, s3fifo, pflru, opt");
    }
}
