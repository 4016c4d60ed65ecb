package dev.kvtier.model.primitive;

import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SortedRunMinQueueTest
{
    @Test
    void popsWhatAPriorityQueuePopsWhetherKeysArriveInOrderOrNot()
    {
        final SortedRunMinQueue queue = new SortedRunMinQueue();
        final PriorityQueue<Long> reference = new PriorityQueue<>();
        final SplittableRandom random = new SplittableRandom(7);
        long clock = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final int op = random.nextInt(10);
            if (!reference.isEmpty() && op < 4)
            {
                assertThat(queue.pop()).isEqualTo(reference.poll());
            }
            else
            {
                // mostly the newest stamp, sometimes an older one or a repeat, as a touch-stamped order offers
                final long v = op < 8 ? ++clock : op == 8 ? random.nextLong(clock + 1) : clock;
                queue.push(v);
                reference.add(v);
            }
            assertThat(queue.size()).isEqualTo(reference.size());
            assertThat(queue.isEmpty()).isEqualTo(reference.isEmpty());
        }
        assertThat(java.util.Arrays.stream(queue.toArray()).sorted().boxed().toList())
            .isEqualTo(reference.stream().sorted().toList());
        while (!reference.isEmpty())
        {
            assertThat(queue.pop()).isEqualTo(reference.poll());
        }
        queue.clear();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void slidesAWindowOfAscendingKeysThroughItsRun()
    {
        final SortedRunMinQueue queue = new SortedRunMinQueue();
        for (long v = 0; v < 1_000_000; v++)
        {
            queue.push(v);
            if (queue.size() > 100)
            {
                assertThat(queue.pop()).isEqualTo(v - 100);
            }
        }
        assertThat(queue.size()).isEqualTo(100);
        assertThat(queue.pop()).isEqualTo(1_000_000 - 100);
    }
}
