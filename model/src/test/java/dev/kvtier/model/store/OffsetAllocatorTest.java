package dev.kvtier.model.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bin allocator against the rules of Mooncake's {@code offset} allocator: the 8-bit float bins (upstream's
 * SmallFloat test vectors), round-up to the bin size, LIFO reuse, coalescing through neighbour links, units for
 * segments over 3.75 GiB, the node cap, and no overlap under random load.
 */
class OffsetAllocatorTest
{
    private static final long MIB = 1 << 20;

    @Test
    void binsFollowTheEightBitFloatOfUpstreamTests()
    {
        for (int i = 0; i < 17; i++)
        {
            assertThat(SizeBins.binRoundUp(i)).isEqualTo(i);
            assertThat(SizeBins.binRoundDown(i)).isEqualTo(i);
        }
        final long[][] upDown = {{17, 17, 16}, {118, 39, 38}, {1024, 64, 64}, {65536, 112, 112},
            {529445, 137, 136}, {1048575, 144, 143}};
        for (final long[] v : upDown)
        {
            assertThat(SizeBins.binRoundUp(v[0])).as("up %d", v[0]).isEqualTo((int)v[1]);
            assertThat(SizeBins.binRoundDown(v[0])).as("down %d", v[0]).isEqualTo((int)v[2]);
        }
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++)
        {
            final long size = 1 + random.nextLong(SizeBins.MAX_BIN_SIZE);
            assertThat(SizeBins.binSize(SizeBins.binRoundUp(size))).isGreaterThanOrEqualTo(size);
            assertThat(SizeBins.binSize(SizeBins.binRoundDown(size))).isLessThanOrEqualTo(size);
        }
        assertThat(SizeBins.binRoundUp(SizeBins.MAX_BIN_SIZE)).isLessThan(256);
    }

    @Test
    void freedRangesMergeBackAndAreReusedFirst()
    {
        final OffsetAllocator a = new OffsetAllocator(256 * MIB);
        final int x = a.allocate(1337);
        assertThat(a.offset(x)).isZero();
        a.free(x);
        final int b = a.allocate(1024);
        final int c = a.allocate(3456);
        assertThat(a.offset(b)).isZero();
        assertThat(a.offset(c)).isEqualTo(1024);
        a.free(b);
        final int d = a.allocate(1024);
        assertThat(a.offset(d)).as("the freed 1024 range is reused").isZero();
        a.free(d);
        a.free(c);
        assertThat(a.freeRanges()).isEqualTo(1);
        assertThat(a.offset(a.allocate(256 * MIB))).isZero();
    }

    @Test
    void allocationsAreRoundedUpToTheirBinAsMooncakeDoes()
    {
        final OffsetAllocator a = new OffsetAllocator(256 * MIB);
        final int first = a.allocate(1024);
        final int second = a.allocate(3456); // bin size 3584
        a.free(first);
        final int c = a.allocate(2345); // bin size 2560: does not fit the freed 1024, goes after 3584
        assertThat(a.offset(second)).isEqualTo(1024);
        assertThat(a.offset(c)).isEqualTo(1024 + 3584);
        final int d = a.allocate(456); // bin size 480, from the freed 1024 range
        final int e = a.allocate(512); // exactly the bin of the 544 bytes left there
        assertThat(a.offset(d)).isZero();
        assertThat(a.offset(e)).isEqualTo(480);
        assertThat(a.allocatedBytes()).as("requested bytes, as upstream's allocated_size").isEqualTo(
            3456 + 2345 + 456 + 512);
        a.free(c);
        a.free(d);
        a.free(second);
        a.free(e);
        assertThat(a.freeRanges()).isEqualTo(1);
        assertThat(a.allocatedBytes()).isZero();
        assertThat(a.offset(a.allocate(256 * MIB))).isZero();
    }

    @Test
    void sameSizeSlotsRefillWithoutFragmentation()
    {
        final OffsetAllocator a = new OffsetAllocator(256 * MIB);
        final int[] slots = new int[256];
        for (int i = 0; i < 256; i++)
        {
            slots[i] = a.allocate(MIB);
            assertThat(a.offset(slots[i])).isEqualTo(i * MIB);
        }
        assertThat(a.allocate(1)).isEqualTo(-1);
        for (final int i : new int[] {243, 5, 123, 95})
        {
            a.free(slots[i]);
        }
        for (final int i : new int[] {243, 5, 123, 95})
        {
            slots[i] = a.allocate(MIB);
            assertThat(slots[i]).isNotNegative();
        }
        for (final int s : slots)
        {
            a.free(s);
        }
        assertThat(a.offset(a.allocate(256 * MIB))).isZero();
    }

    @Test
    void fragmentedFreeSpaceCanRefuseAnAllocationItHasTheBytesFor()
    {
        final OffsetAllocator a = new OffsetAllocator(4096);
        final int[] q = {a.allocate(1024), a.allocate(1024), a.allocate(1024), a.allocate(1024)};
        a.free(q[0]);
        a.free(q[2]);
        assertThat(a.freeBytes()).isEqualTo(2048);
        assertThat(a.allocate(2048)).isEqualTo(-1);
        assertThat(a.largestFreeRegion()).isEqualTo(1024);
        a.free(q[1]);
        assertThat(a.offset(a.allocate(2048))).isZero();
    }

    @Test
    void segmentsOverTheBinLimitAreManagedInUnits()
    {
        final OffsetAllocator a = new OffsetAllocator(16L << 30);
        assertThat(a.shift()).isEqualTo(3);
        final int one = a.allocate(1);
        final int two = a.allocate(9);
        assertThat(a.offset(one)).isZero();
        assertThat(a.offset(two)).as("one byte takes a whole 8-byte unit").isEqualTo(8);
        assertThat(a.allocatedBytes()).isEqualTo(10);
        assertThat(a.allocate(15L << 30)).isNotNegative();
    }

    @Test
    void theNodePoolCapsLiveRangesAtItsMaximum()
    {
        final OffsetAllocator a = new OffsetAllocator(4 * MIB);
        int granted = 0;
        while (a.allocate(1) >= 0)
        {
            granted++;
        }
        assertThat(granted).as("1 Mi nodes: allocations plus the one free tail").isEqualTo((1 << 20) - 1);
        assertThat(a.freeBytes()).isEqualTo(3 * MIB + 1);
    }

    @Test
    void randomLoadNeverOverlapsAndDrainsBackToOneRange()
    {
        for (final int seed : new int[] {1, 2, 3})
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final long capacity = 64 * MIB;
            final OffsetAllocator a = new OffsetAllocator(capacity);
            final TreeMap<Long, Long> taken = new TreeMap<>();
            final List<Integer> live = new ArrayList<>();
            final List<Long> sizes = new ArrayList<>();
            long requested = 0;
            for (int op = 0; op < 40_000; op++)
            {
                if (!live.isEmpty() && random.nextInt(100) < 45)
                {
                    final int i = random.nextInt(live.size());
                    final int h = live.remove(i);
                    requested -= sizes.remove(i);
                    assertThat(taken.remove(a.offset(h))).isNotNull();
                    a.free(h);
                }
                else
                {
                    final long size = random.nextInt(10) < 8 ? 64 * 1024 : 1 + random.nextInt(300_000);
                    final int h = a.allocate(size);
                    if (h >= 0)
                    {
                        final long start = a.offset(h);
                        final long end = start + SizeBins.binSize(SizeBins.binRoundUp(size));
                        final Map.Entry<Long, Long> below = taken.floorEntry(start);
                        final Map.Entry<Long, Long> above = taken.ceilingEntry(start);
                        assertThat(below == null || below.getValue() <= start).as("seed %d op %d", seed, op).isTrue();
                        assertThat(above == null || above.getKey() >= end).as("seed %d op %d", seed, op).isTrue();
                        assertThat(end).isLessThanOrEqualTo(capacity);
                        taken.put(start, end);
                        live.add(h);
                        sizes.add(size);
                        requested += size;
                    }
                }
                assertThat(a.allocatedBytes()).isEqualTo(requested);
            }
            for (final int h : live)
            {
                a.free(h);
            }
            assertThat(a.freeRanges()).isEqualTo(1);
            assertThat(a.allocatedBytes()).isZero();
            assertThat(a.offset(a.allocate(capacity))).isZero();
        }
    }

    @Test
    void onlyLiveHandlesCanBeFreed()
    {
        final OffsetAllocator a = new OffsetAllocator(1000);
        final int x = a.allocate(100);
        assertThatThrownBy(() -> a.free(-1)).hasMessageContaining("is not a live allocation");
        assertThatThrownBy(() -> a.free(x + 1)).hasMessageContaining("is not a live allocation");
        a.free(x);
        assertThatThrownBy(() -> a.free(x)).hasMessageContaining("is not a live allocation");
        assertThatThrownBy(() -> a.allocate(0)).hasMessageContaining("allocation size must be > 0");
        assertThat(a.allocate(1001)).isEqualTo(-1);
        assertThat(a.allocate(1000)).as("1000 rounds up to the 1024 bin, more than the segment").isEqualTo(-1);
        assertThat(a.offset(a.allocate(960))).isZero();
    }
}
