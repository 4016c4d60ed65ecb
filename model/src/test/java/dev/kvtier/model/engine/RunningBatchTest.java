package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.PageChain;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The decode batch's join-ordered list: removal anywhere keeps the others in join order, through compactions. */
class RunningBatchTest
{
    @Test
    void keepsJoinOrderThroughRemovalsAndCompactions()
    {
        final RunningBatch batch = new RunningBatch();
        final List<Job> model = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(7);
        long id = 0;
        for (int step = 0; step < 20_000; step++)
        {
            if (model.isEmpty() || random.nextInt(100) < 55)
            {
                final Job job = job(id++);
                batch.add(job);
                model.add(job);
            }
            else
            {
                final Job gone = model.remove(random.nextInt(model.size()));
                assertThat(batch.at(gone.batchSlot)).isSameAs(gone);
                batch.remove(gone.batchSlot);
                assertThat(gone.batchSlot).isEqualTo(-1);
            }
            if (step % 97 == 0)
            {
                assertThat(held(batch)).containsExactlyElementsOf(model);
            }
        }
        assertThat(batch.size()).isEqualTo(model.size());
        assertThat(held(batch)).containsExactlyElementsOf(model);
        for (final Job job : model)
        {
            assertThat(batch.at(job.batchSlot)).isSameAs(job);
        }
    }

    @Test
    void emptiedBatchStartsOverAtSlotZero()
    {
        final RunningBatch batch = new RunningBatch();
        final Job a = job(1);
        final Job b = job(2);
        batch.add(a);
        batch.add(b);
        batch.remove(a.batchSlot);
        batch.remove(b.batchSlot);
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.slots()).isZero();
        final Job c = job(3);
        batch.add(c);
        assertThat(c.batchSlot).isZero();
    }

    private static List<Job> held(final RunningBatch batch)
    {
        final List<Job> held = new ArrayList<>();
        for (int i = 0; i < batch.slots(); i++)
        {
            if (batch.at(i) != null)
            {
                held.add(batch.at(i));
            }
        }
        return held;
    }

    private static Job job(final long id)
    {
        final InferenceRequest request = new InferenceRequest(id, 0, 74, 5,
            new PageChain(new int[] {(int)id}, new String[] {"k" + id}));
        return new Job(request, null, 0);
    }
}
