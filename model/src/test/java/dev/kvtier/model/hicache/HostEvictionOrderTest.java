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
}
