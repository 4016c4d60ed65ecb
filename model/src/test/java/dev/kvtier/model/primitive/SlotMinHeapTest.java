package dev.kvtier.model.primitive;

import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SlotMinHeapTest
{
    @Test
    void popsPairsByKeyThenSlotLikeAPriorityQueue()
    {
        final SlotMinHeap heap = new SlotMinHeap();
        final PriorityQueue<long[]> reference = new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++)
        {
            if (!reference.isEmpty() && random.nextInt(3) == 0)
            {
                final long[] expected = reference.poll();
                assertThat(heap.pop()).isEqualTo(expected[0]);
                assertThat(heap.lastSlot()).isEqualTo((int)expected[1]);
            }
            else
            {
                // keys above 2^40 too: an LFU key is (count << 40) | stamp
                final long key = random.nextLong(50) << 40 | random.nextLong(50);
                final int slot = random.nextInt(20);
                heap.push(key, slot);
                reference.add(new long[] {key, slot});
            }
            assertThat(heap.size()).isEqualTo(reference.size());
        }
        heap.clear();
        assertThat(heap.isEmpty()).isTrue();
    }
}
