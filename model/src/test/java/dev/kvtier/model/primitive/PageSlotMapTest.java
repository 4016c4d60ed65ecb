package dev.kvtier.model.primitive;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageSlotMapTest
{
    @Test
    void shouldAgreeWithHashMapUnderRandomInsertsAndRemovals()
    {
        agreesWithHashMap(5_000, 4);
    }

    @Test
    void shouldAgreeWithHashMapOverSparseIdsAndAfterGrowing()
    {
        agreesWithHashMap(1 << 22, 16);
        agreesWithHashMap(200_000, 100_000);
    }

    @Test
    void shouldHoldIdsFromAnywhereInTheRangeInATableSizedByItsEntries()
    {
        final PageSlotMap map = new PageSlotMap(4);
        final int[] keys = {0, Integer.MAX_VALUE - 1, 1 << 30, 7, 123_456_789};
        for (int i = 0; i < keys.length; i++)
        {
            map.put(keys[i], i);
        }
        for (int i = 0; i < keys.length; i++)
        {
            assertThat(map.get(keys[i])).isEqualTo(i);
        }
        map.remove(-1);
        map.remove(8);
        assertThat(map.size()).isEqualTo(keys.length);
        assertThat(map.get(-1)).isEqualTo(-1);
        map.remove(1 << 30);
        assertThat(map.get(1 << 30)).isEqualTo(-1);
        assertThat(map.size()).isEqualTo(keys.length - 1);
    }

    @Test
    void shouldStayPagedForRunsOfConsecutiveIdsComingAndGoingAndRecycleEmptiedBlocks()
    {
        // an instance's share of a trace: runs of 8 consecutive ids (a block's pages), every 16th run, old runs
        // evicted as new ones arrive, so the id range grows to 64 times what is held
        final PageSlotMap map = new PageSlotMap(1024);
        final Map<Integer, Integer> reference = new HashMap<>();
        for (int run = 0; run < 4_000; run++)
        {
            final int first = run * 16 * 8;
            for (int j = 0; j < 8; j++)
            {
                map.put(first + j, run);
                reference.put(first + j, run);
            }
            if (run >= 1_000)
            {
                final int old = (run - 1_000) * 16 * 8;
                for (int j = 0; j < 8; j++)
                {
                    map.remove(old + j);
                    reference.remove(old + j);
                }
            }
        }
        assertThat(map.isPaged()).isTrue();
        assertThat(map.size()).isEqualTo(reference.size()).isEqualTo(8_000);
        for (int id = 0; id < 4_000 * 128; id++)
        {
            assertThat(map.get(id)).isEqualTo(reference.getOrDefault(id, -1));
        }
    }

    @Test
    void shouldMoveToTheTableWhenIdsAreSpreadThinlyOverBlocks()
    {
        final PageSlotMap map = new PageSlotMap(1024);
        for (int i = 0; i < 2_000; i++)
        {
            map.put(i * 64, i);
        }
        assertThat(map.isPaged()).isFalse();
        for (int i = 0; i < 2_000; i++)
        {
            assertThat(map.get(i * 64)).isEqualTo(i);
            assertThat(map.get(i * 64 + 1)).isEqualTo(-1);
        }
    }

    @Test
    void shouldMoveToTheTableWhenRemovalsLeaveBlocksThinlyHeld()
    {
        final PageSlotMap map = new PageSlotMap(1024);
        for (int id = 0; id < 64_000; id++)
        {
            map.put(id, id);
        }
        assertThat(map.isPaged()).isTrue();
        for (int id = 0; id < 64_000; id++)
        {
            if (id % 32 != 0)
            {
                map.remove(id);
            }
        }
        assertThat(map.isPaged()).isFalse();
        assertThat(map.size()).isEqualTo(2_000);
        for (int id = 0; id < 64_000; id++)
        {
            assertThat(map.get(id)).isEqualTo(id % 32 == 0 ? id : -1);
        }
    }

    @Test
    void shouldAgreeWithHashMapInTheDirectFormAndRefuseIdsOutsideItsRange()
    {
        agreesWithHashMap(PageSlotMap.direct(5_000), 5_000);
        final PageSlotMap map = PageSlotMap.direct(10);
        assertThat(map.get(-1)).isEqualTo(-1);
        assertThat(map.get(10)).isEqualTo(-1);
        map.remove(10);
        assertThatThrownBy(() -> map.put(10, 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("page id 10 is outside this direct map's range [0, 10)");
        assertThat(map.size()).isZero();
    }

    @Test
    void shouldKeepEveryEntryWhenADirectMapsSlotsOutgrowSixteenBitsAndItMovesToThePagedForm()
    {
        final PageSlotMap map = PageSlotMap.direct(100_000);
        for (int id = 0; id < 100_000; id += 3)
        {
            map.put(id, id / 3);
        }
        map.remove(3);
        map.put(99_999, 70_000); // past 65,533: the map leaves the direct form
        for (int id = 0; id < 100_000; id++)
        {
            final int expected = id == 99_999 ? 70_000 : id % 3 == 0 && id != 3 ? id / 3 : -1;
            assertThat(map.get(id)).as("id %d", id).isEqualTo(expected);
        }
        assertThat(map.size()).isEqualTo(33_333); // 99,999 was held already: overwritten, not added
        assertThat(map.isPaged()).isTrue();
    }

    private static void agreesWithHashMap(final int idRange, final int expected)
    {
        agreesWithHashMap(new PageSlotMap(expected), idRange);
    }

    private static void agreesWithHashMap(final PageSlotMap map, final int idRange)
    {
        final Map<Integer, Integer> reference = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(idRange);
        final int[] seen = new int[200_000];
        for (int i = 0; i < 200_000; i++)
        {
            final int key = i > 0 && random.nextBoolean() ? seen[random.nextInt(i)] : random.nextInt(idRange);
            seen[i] = key;
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
        for (final int key : seen)
        {
            assertThat(map.get(key)).isEqualTo(reference.getOrDefault(key, -1));
        }
        assertThat(map.get(idRange)).isEqualTo(-1);
    }
}
