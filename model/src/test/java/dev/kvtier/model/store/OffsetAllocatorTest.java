package dev.kvtier.model.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Best fit, coalescing, refusal of frees that do not match an allocation, and equivalence with the tree reference. */
class OffsetAllocatorTest
{
    @Test
    void bestFitTakesTheSmallestFittingRangeAndFreeingCoalescesBackToOne()
    {
        final OffsetAllocator a = new OffsetAllocator(1000);
        final long x = a.allocate(100);
        final long y = a.allocate(300);
        final long z = a.allocate(100);
        final long w = a.allocate(200);
        a.free(y); // hole of 300 at 100
        a.free(w); // tail of 500 at 500 after coalescing with the rest
        assertThat(a.freeRanges()).isEqualTo(2);
        assertThat(a.allocate(250)).as("best fit: the 300 hole, not the 500 tail").isEqualTo(y);
        assertThat(a.largestFreeRange()).isEqualTo(500);
        final SplittableRandom random = new SplittableRandom(5);
        final List<Long> live = new ArrayList<>(List.of(x, z, y));
        for (int i = 0; i < 20_000; i++)
        {
            if (!live.isEmpty() && random.nextBoolean())
            {
                a.free(live.remove(random.nextInt(live.size())));
            }
            else
            {
                final long o = a.allocate(1 + random.nextInt(60));
                if (o >= 0)
                {
                    live.add(o);
                }
            }
        }
        for (final long o : live)
        {
            a.free(o);
        }
        assertThat(a.freeRanges()).isEqualTo(1);
        assertThat(a.largestFreeRange()).isEqualTo(1000);
        assertThat(a.allocatedBytes()).isZero();
    }

    @Test
    void matchesTheTreeReferenceOpForOpOverRandomWorkloads()
    {
        for (final int seed : new int[] {1, 2, 3})
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final long capacity = 1 << 20;
            final OffsetAllocator fast = new OffsetAllocator(capacity);
            final TreeOffsetAllocator reference = new TreeOffsetAllocator(capacity);
            final List<Long> live = new ArrayList<>();
            for (int op = 0; op < 60_000; op++)
            {
                if (!live.isEmpty() && random.nextInt(100) < 45)
                {
                    final long offset = live.remove(random.nextInt(live.size()));
                    fast.free(offset);
                    reference.free(offset);
                }
                else
                {
                    // mostly one page size, as a KV store sees, with odd sizes that fragment
                    final long size = random.nextInt(10) < 8 ? 4096 : 1 + random.nextInt(40_000);
                    final long a = fast.allocate(size);
                    assertThat(a).as("seed %d op %d size %d", seed, op, size).isEqualTo(reference.allocate(size));
                    if (a >= 0)
                    {
                        live.add(a);
                    }
                }
                if (op % 97 == 0)
                {
                    assertThat(fast.freeRanges()).isEqualTo(reference.freeRanges());
                    assertThat(fast.largestFreeRange()).isEqualTo(reference.largestFreeRange());
                }
                assertThat(fast.allocatedBytes()).isEqualTo(reference.allocatedBytes());
            }
        }
    }

    @Test
    void freeingAnythingButAnAllocatedStartIsRefused()
    {
        final OffsetAllocator a = new OffsetAllocator(1000);
        final long x = a.allocate(100);
        assertThatThrownBy(() -> a.free(x + 1)).hasMessageContaining("is not an allocated range");
        assertThatThrownBy(() -> a.free(-5)).hasMessageContaining("is not an allocated range");
        a.free(x);
        assertThatThrownBy(() -> a.free(x)).hasMessageContaining("is not an allocated range");
        assertThat(a.allocate(1001)).isEqualTo(-1);
        assertThat(a.allocate(1000)).isZero();
    }
}
