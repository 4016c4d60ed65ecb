package dev.kvtier.model.hicache;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The heap must take pages exactly as a walk from the LRU tail would. */
class HostEvictionOrderTest
{
    @Test
    void takesEvictablePagesLeastRecentlyTouchedFirstAndRetouchedOnesLater()
    {
        final HostEvictionOrder order = new HostEvictionOrder(8);
        final boolean[] evictable = {true, true, true, true, true, false, false, false};
        for (int s = 0; s < 5; s++)
        {
            order.touched(s);
            order.offer(s);
        }
        final List<Integer> taken = new ArrayList<>();
        assertThat(order.evict(2, s -> evictable[s], s ->
        {
            taken.add(s);
            evictable[s] = false;
        })).isEqualTo(2);
        assertThat(taken).containsExactly(0, 1);
        order.touched(2); // now the most recent; its old entry goes stale
        order.offer(2);
        taken.clear();
        order.evict(2, s -> evictable[s], s ->
        {
            taken.add(s);
            evictable[s] = false;
        });
        assertThat(taken).containsExactly(3, 4);
    }

    @Test
    void aParentFreedByDeletingItsChildWaitsForTheNextPass()
    {
        final HostEvictionOrder order = new HostEvictionOrder(4);
        final boolean[] evictable = {false, true, true, false};
        for (int s = 0; s < 3; s++)
        {
            order.touched(s); // 0 is the parent of 1 and older
            order.offer(s);
        }
        final List<Integer> taken = new ArrayList<>();
        order.evict(2, s -> evictable[s], s ->
        {
            taken.add(s);
            evictable[s] = false;
            if (s == 1)
            {
                evictable[0] = true; // its last child is gone
                order.offer(0);
            }
        });
        assertThat(taken).as("the walk has passed the parent already").containsExactly(1, 2);
        taken.clear();
        order.evict(1, s -> evictable[s], s -> taken.add(s));
        assertThat(taken).containsExactly(0);
    }

    @Test
    void lfuTakesFewestHitsFirstThenLeastRecentAcrossARenumberingOfItsStamps()
    {
        final int slots = 6;
        final HostEvictionOrder order = new HostEvictionOrder(slots, 5); // stamps run out every 31 touches
        final java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        final int[] counts = new int[slots];
        final long[] lastTouch = new long[slots];
        for (int t = 1; t <= 200; t++)
        {
            final int s = random.nextInt(slots);
            counts[s] = random.nextInt(4);
            lastTouch[s] = t;
            order.touched(s, counts[s]);
            order.offer(s);
        }
        final List<Integer> expected = new ArrayList<>();
        for (int s = 0; s < slots; s++)
        {
            expected.add(s);
        }
        expected.sort((a, b) -> counts[a] != counts[b] ? Integer.compare(counts[a], counts[b])
            : Long.compare(lastTouch[a], lastTouch[b]));
        final boolean[] gone = new boolean[slots];
        final List<Integer> taken = new ArrayList<>();
        assertThat(order.evict(slots, s -> !gone[s], s ->
        {
            taken.add(s);
            gone[s] = true;
        })).isEqualTo(slots);
        assertThat(taken).isEqualTo(expected);
    }

    @Test
    void lfuTakesAPageWithHundredsOfHitsAfterTheRarelyHitOnes()
    {
        // counts from 512 up fill the count's top bit: the entry must still sort above the others
        final HostEvictionOrder order = new HostEvictionOrder(4, true);
        final int[] counts = {600, 1, 5_000, 2};
        for (int s = 0; s < counts.length; s++)
        {
            order.touched(s, counts[s]);
            order.offer(s);
        }
        final boolean[] gone = new boolean[counts.length];
        final List<Integer> taken = new ArrayList<>();
        assertThat(order.evict(counts.length, s -> !gone[s], s ->
        {
            taken.add(s);
            gone[s] = true;
        })).isEqualTo(counts.length);
        assertThat(taken).containsExactly(1, 3, 0, 2);
    }
}
