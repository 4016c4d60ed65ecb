package dev.kvtier.model.primitive;

import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LongMinHeapTest
{
    @Test
    void popsInAscendingOrderLikeAPriorityQueue()
    {
        final LongMinHeap heap = new LongMinHeap();
        final PriorityQueue<Long> reference = new PriorityQueue<>();
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++)
        {
            if (!reference.isEmpty() && random.nextInt(3) == 0)
            {
                assertThat(heap.pop()).isEqualTo(reference.poll());
            }
            else
            {
                final long v = random.nextLong(1_000);
                heap.push(v);
                reference.add(v);
            }
            assertThat(heap.size()).isEqualTo(reference.size());
        }
        assertThat(heap.toArray()).hasSize(reference.size());
        heap.clear();
        assertThat(heap.isEmpty()).isTrue();
    }

    @Test
    void backwardShiftMovesOnlyEntriesWhoseHomeIsNotBetweenGapAndSlot()
    {
        // gap 3, entry at 5 with home 4: its home lies after the gap, it stays
        assertThat(LinearProbing.movesIntoGap(4, 3, 5)).isFalse();
        // home 2 (before the gap): it moves up
        assertThat(LinearProbing.movesIntoGap(2, 3, 5)).isTrue();
        // across the wrap: gap 14, entry at 1 with home 15 moves, with home 0 stays
        assertThat(LinearProbing.movesIntoGap(15, 14, 1)).isFalse();
        assertThat(LinearProbing.movesIntoGap(13, 14, 1)).isTrue();
    }
}
