package dev.kvtier.model.store;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WatermarkSelectionTest
{
    @Test
    void selectShouldFindTheKthSmallestAsASortWould()
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 200; round++)
        {
            final long[] values = new long[1 + random.nextInt(500)];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = random.nextInt(50);
            }
            final long[] sorted = values.clone();
            Arrays.sort(sorted);
            final int k = random.nextInt(values.length);
            assertThat(WatermarkEviction.select(values, k)).isEqualTo(sorted[k]);
        }
    }
}
