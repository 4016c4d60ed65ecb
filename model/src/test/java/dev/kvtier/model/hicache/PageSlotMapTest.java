package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PageSlotMapTest
{
    @Test
    void shouldAgreeWithHashMapUnderRandomInsertsAndRemovals()
    {
        final PageSlotMap map = new PageSlotMap(4);
        final Map<Integer, Integer> reference = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++)
        {
            final int key = random.nextInt(5_000);
            if (random.nextInt(3) == 0)
            {
                map.remove(key);
                reference.remove(key);
            }
            else
            {
                map.put(key, i);
                reference.put(key, i);
            }
        }
        assertThat(map.size()).isEqualTo(reference.size());
        for (int key = 0; key < 5_000; key++)
        {
            assertThat(map.get(key)).isEqualTo(reference.getOrDefault(key, -1));
        }
    }
}
