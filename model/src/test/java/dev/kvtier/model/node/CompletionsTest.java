package dev.kvtier.model.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class CompletionsTest
{
    @Test
    void outOfOrderAnswersReachTheirOwnCallbacksAndLateOnesAreIgnored()
    {
        final Completions<Integer> c = new Completions<>();
        final Map<Long, Integer> got = new HashMap<>();
        final List<Long> open = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++)
        {
            if (open.isEmpty() || random.nextInt(3) > 0)
            {
                final long[] id = new long[1];
                id[0] = c.register(v -> got.put(id[0], v));
                open.add(id[0]);
            }
            else
            {
                final long id = open.remove(random.nextInt(open.size()));
                assertThat(c.complete(id, (int)id * 7)).isTrue();
                assertThat(got.get(id)).isEqualTo((int)id * 7);
                assertThat(c.complete(id, 0)).as("a duplicate answer").isFalse();
            }
            assertThat(c.size()).isEqualTo(open.size());
        }
        assertThat(c.complete(-1, 0)).isFalse();
    }
}
