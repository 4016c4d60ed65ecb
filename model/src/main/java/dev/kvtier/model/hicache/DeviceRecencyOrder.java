package dev.kvtier.model.hicache;

import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The device tier's LRU order as a recency list of every device page: a touch moves the page to the recent end, a
 * page leaving the device is unlinked, and an eviction pass walks from the old end, skipping pages that are not
 * candidates. No heap, no stale entries, nothing deferred.
 *
 * <p>It visits the candidates {@link DeviceEvictionOrder} visits, in the same order, when the cache is LRU and a
 * pass never runs while a device page is locked or a chain is half inserted (the clock-free replay: it overdraws
 * the device for a request and trims it after): every access stamps its chain deepest page first, so each device
 * page is older than its parent, the old end is a candidate unless an eviction there failed, and a parent that
 * becomes a candidate during a pass lies ahead of the walk, where the heap would pop it in its turn. The pages
 * walked over are the ancestors of failed evictions only, where the heap would pop and defer them.
 */
final class DeviceRecencyOrder implements DeviceOrder
{
    private final RecencyList list;

    DeviceRecencyOrder(final int slots)
    {
        list = new RecencyList(slots);
    }

    @Override
    public void touched(final int s, final int count)
    {
        list.moveToHead(s);
    }

    @Override
    public void offer(final int s)
    {
        // every device page is in the list from its first touch on
    }

    @Override
    public void left(final int s)
    {
        list.unlink(s);
    }

    @Override
    public boolean overfull(final int treePages)
    {
        return false;
    }

    @Override
    public void rebuild(final int slots, final IntPredicate candidate)
    {
        // nothing goes stale
    }

    @Override
    public void ensure(final int slots)
    {
        // the list grows with the slots it is given
    }

    @Override
    public long evict(final long pages, final IntPredicate candidate, final IntPredicate tryEvict,
        final IntUnaryOperator parent)
    {
        long freed = 0;
        int s = list.tail();
        while (freed < pages && s >= 0)
        {
            final int newer = list.previous(s);
            if (candidate.test(s) && tryEvict.test(s))
            {
                freed++;
            }
            s = newer;
        }
        return freed;
    }
}
