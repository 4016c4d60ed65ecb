package dev.kvtier.model.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table's lookup by id and its running capacity and allocation totals, against its mounted segments and the sums
 * over their allocators.
 */
class SegmentTableTest
{
    private record Held(SegmentTable.MountedSegment segment, int allocation)
    {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void shouldFindEveryMountedSegmentAndKeepItsTotalsEqualToTheSums(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final SegmentTable table = new SegmentTable();
        final List<Held> held = new ArrayList<>();
        long nextSegment = 1;
        long unmounted = -1;
        for (int step = 0; step < 20_000; step++)
        {
            final int op = random.nextInt(100);
            if (op < 2 || table.count() == 0)
            {
                // ids spread over the whole long range, as live clients draw them
                table.mount(new Segment(nextSegment++ * 0x5DEECE66DL, "s", 0, (1 + random.nextInt(8)) << 16, 1, "h"));
            }
            else if (op < 3)
            {
                final SegmentTable.MountedSegment gone = table.unmount(table.all().get(random.nextInt(table.count()))
                    .segment.id());
                unmounted = gone.segment.id();
                held.removeIf(h -> h.segment() == gone);
            }
            else if (op < 55)
            {
                final int placed = table.place(1 + random.nextInt(20_000), new ReplicateConfig(1 + random.nextInt(3),
                    0, false, List.of(), ""), AllocationStrategy.RANDOM, random);
                for (int i = 0; i < placed; i++)
                {
                    held.add(new Held(table.placedSegment(i), table.placedAllocation(i)));
                }
            }
            else if (!held.isEmpty())
            {
                final Held h = held.remove(random.nextInt(held.size()));
                table.free(h.segment(), h.allocation());
            }
            long capacity = 0;
            long allocated = 0;
            for (final SegmentTable.MountedSegment m : table.all())
            {
                capacity += m.allocator.capacity();
                allocated += m.allocator.allocatedBytes();
            }
            for (final SegmentTable.MountedSegment m : table.all())
            {
                assertThat(table.get(m.segment.id())).isSameAs(m);
            }
            assertThat(table.get(nextSegment * 0x5DEECE66DL)).as("never mounted").isNull();
            assertThat(table.get(unmounted)).as("unmounted").isNull();
            assertThat(table.capacityBytes()).as("capacity after step %d", step).isEqualTo(capacity);
            assertThat(table.allocatedBytes()).as("allocated after step %d", step).isEqualTo(allocated);
        }
        assertThat(table.allocatedBytes()).as("the walk leaves something allocated").isPositive();
    }
}
