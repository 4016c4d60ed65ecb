package dev.kvtier.model.routing;

import dev.kvtier.model.hicache.RecencyList;
import dev.kvtier.model.primitive.PageSlotMap;

import java.util.Arrays;

/**
 * A set of page ids kept in LRU order, touched chain-deepest-first so the set stays prefix-closed when it is
 * trimmed from the tail. The router keeps one per instance as its approximate picture of that instance's cache,
 * which makes "how much of this prompt does instance i hold" a binary search over the prompt's pages.
 */
final class PageLru
{
    private final PageSlotMap index = new PageSlotMap(1024);
    /** Told of every page taken in or let go, as {@link #instance}'s (null: nobody is told). */
    private final PrefixHolders holders;
    private final int instance;
    private final RecencyList order = new RecencyList(1024);
    private int[] page = new int[1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int used;

    /** A tree nobody else is told about (the router's picture of the store). */
    PageLru()
    {
        this(null, -1);
    }

    /** Instance {@code instance}'s tree, telling {@code holders} what it takes in and lets go. */
    PageLru(final PrefixHolders holders, final int instance)
    {
        this.holders = holders;
        this.instance = instance;
    }

    int size()
    {
        return index.size();
    }

    /** Length of the longest prefix of {@code pages} held here (the set is prefix-closed). */
    int prefixLength(final int[] pages)
    {
        return heldPrefix(index, pages);
    }

    /**
     * Length of the longest prefix of {@code pages} whose pages {@code held} has, by binary search: right when what
     * {@code held} has is prefix-closed along {@code pages}.
     */
    static int heldPrefix(final PageSlotMap held, final int[] pages)
    {
        int lo = 0;
        int hi = pages.length;
        while (lo < hi)
        {
            final int mid = (lo + hi + 1) >>> 1;
            if (held.get(pages[mid - 1]) >= 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Inserts or refreshes {@code pages[0, n)}, deepest first. */
    void touch(final int[] pages, final int n)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            int s = index.get(pages[i]);
            if (s < 0)
            {
                s = allocate(pages[i], i == 0 ? PrefixHolders.ROOT : pages[i - 1]);
            }
            else if (holders != null)
            {
                holders.seen(pages[i], i == 0 ? PrefixHolders.ROOT : pages[i - 1]);
            }
            order.moveToHead(s);
        }
    }

    /** Drops least recent pages until at most {@code max} remain. */
    void trimTo(final long max)
    {
        while (index.size() > max && order.tail() >= 0)
        {
            final int s = order.tail();
            order.unlink(s);
            index.remove(page[s]);
            if (holders != null)
            {
                holders.remove(page[s], instance);
            }
            free[freeCount++] = s;
        }
    }

    private int allocate(final int pageId, final long parent)
    {
        final int s;
        if (freeCount > 0)
        {
            s = free[--freeCount];
        }
        else
        {
            if (used == page.length)
            {
                page = Arrays.copyOf(page, used * 2);
                free = Arrays.copyOf(free, used * 2);
            }
            s = used++;
        }
        page[s] = pageId;
        index.put(pageId, s);
        if (holders != null)
        {
            holders.taken(pageId, parent, instance);
        }
        return s;
    }
}
