package dev.kvtier.model.primitive;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The primitive map against a {@link HashMap} over a random walk of puts, removes and clears, through its growth. */
class LongIntMapTest
{
    @Test
    void shouldAnswerAsAHashMapDoes()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final LongIntMap map = new LongIntMap();
        final Map<Long, Integer> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++)
        {
            // ids over the whole long range, and a small range where runs collide
            final long id = random.nextBoolean() ? random.nextLong() : random.nextLong(-200, 200);
            final int op = random.nextInt(100);
            if (op < 50 && !reference.containsKey(id))
            {
                final int value = random.nextInt(1 << 20);
                map.put(id, value);
                reference.put(id, value);
            }
            else if (op < 90)
            {
                final Integer gone = reference.remove(id);
                assertThat(map.remove(id)).isEqualTo(gone == null ? -1 : gone);
            }
            else if (op == 99 && random.nextInt(100) == 0)
            {
                map.clear();
                reference.clear();
            }
            assertThat(map.get(id)).as("step %d", step).isEqualTo(reference.getOrDefault(id, -1));
        }
        for (final Map.Entry<Long, Integer> e : reference.entrySet())
        {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(reference).as("the walk leaves entries to check").hasSizeGreaterThan(100);
    }
}
