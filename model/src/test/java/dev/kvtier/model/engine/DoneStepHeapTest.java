package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PageChain;
import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The decode batch's finishing order: the smallest step first, through growth and interleaved adds and polls. */
class DoneStepHeapTest
{
    @Test
    void pollsStepsInOrderLikeAPriorityQueue()
    {
        final DoneStepHeap heap = new DoneStepHeap();
        final PriorityQueue<Long> model = new PriorityQueue<>();
        final SplittableRandom random = new SplittableRandom(11);
        long clock = 0;
        for (int op = 0; op < 50_000; op++)
        {
            if (model.isEmpty() || random.nextInt(100) < 52)
            {
                final long step = clock + random.nextInt(300);
                final Job job = job(op);
                job.doneAtStep = step;
                heap.add(job, step);
                model.add(step);
            }
            else
            {
                assertThat(heap.minStep()).isEqualTo(model.peek());
                final Job job = heap.poll();
                assertThat(job.doneAtStep).isEqualTo(model.poll());
                clock = job.doneAtStep;
            }
            assertThat(heap.isEmpty()).isEqualTo(model.isEmpty());
        }
    }

    private static Job job(final long id)
    {
        final InferenceRequest request = new InferenceRequest(id, 0, 74, 5,
            new PageChain(new int[] {(int)id}, new String[] {"k" + id}));
        return new Job(request, null, 0);
    }
}
