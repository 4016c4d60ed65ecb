package dev.kvtier.model.routing;

import dev.kvtier.model.primitive.PageSlotMap;

import java.util.Arrays;

/**
 * Which instances' router trees hold each page, so that cache_aware finds its instance in one pass over the prompt
 * rather than one per instance: while every page has one parent (the page before it in every prompt it appears in),
 * each tree is prefix-closed along any prompt, so their union is too, and the deepest page of the prompt that any
 * tree holds gives the longest match; the lowest-numbered instance holding that page is the one a scan of every tree
 * in index order picks first. Per page, its holders (the lowest apart) and the parent it was taken in under. A trace
 * whose ids are not prefix hashes (an id seen again under another parent, or twice in one prompt) breaks that: the
 * first such sighting makes {@link #consistentWith} false for good, and the router scans the trees as before.
 */
final class PrefixHolders
{
    private final PageSlotMap index = new PageSlotMap(1024);
    /** Per page, its lowest-numbered holder; the others, sorted, only for a page that more than one tree holds. */
    private int[] lowest = new int[1024];
    private int[][] others = new int[1024][];
    private int[] counts = new int[1024];
    private long[] parents = new long[1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int used;
    private boolean consistent = true;

    /** The parent of a prompt's first page. */
    static final long ROOT = Long.MIN_VALUE;

    /** Instance {@code instance}'s tree took {@code page} in, after {@code parent} in the prompt it came with. */
    void taken(final int page, final long parent, final int instance)
    {
        int e = index.get(page);
        if (e < 0)
        {
            e = allocate(page);
            parents[e] = parent;
        }
        else if (parents[e] != parent)
        {
            consistent = false;
        }
        final int c = counts[e];
        if (c > 0)
        {
            final int low = lowest[e];
            if (instance == low || c > 1 && Arrays.binarySearch(others[e], 0, c - 1, instance) >= 0)
            {
                throw new IllegalStateException("instance " + instance + " already holds page " + page);
            }
            insertOther(e, c - 1, Math.max(instance, low));
            lowest[e] = Math.min(instance, low);
        }
        else
        {
            lowest[e] = instance;
        }
        counts[e] = c + 1;
    }

    /** Adds {@code instance} to entry {@code e}'s {@code n} other holders, in order. */
    private void insertOther(final int e, final int n, final int instance)
    {
        int[] h = others[e];
        if (h == null || n == h.length)
        {
            h = h == null ? new int[2] : Arrays.copyOf(h, n * 2);
            others[e] = h;
        }
        final int at = -Arrays.binarySearch(h, 0, n, instance) - 1;
        System.arraycopy(h, at, h, at + 1, n - at);
        h[at] = instance;
    }

    /** A tree that holds {@code page} touched it again, after {@code parent}. */
    void seen(final int page, final long parent)
    {
        final int e = index.get(page);
        if (e >= 0 && parents[e] != parent)
        {
            consistent = false;
        }
    }

    /**
     * Whether {@link #prefixLength} and {@link #lowestHolder} answer for {@code pages} what a scan of every tree
     * would: every page held so far has had one parent, and the prompt's held pages have theirs.
     */
    boolean consistentWith(final int[] pages)
    {
        for (int i = 0; i < pages.length && consistent; i++)
        {
            seen(pages[i], i == 0 ? ROOT : pages[i - 1]);
        }
        return consistent;
    }

    /** Instance {@code instance}'s tree let {@code page} go. */
    void remove(final int page, final int instance)
    {
        final int e = index.get(page);
        final int c = e < 0 ? 0 : counts[e];
        if (c > 0 && instance == lowest[e])
        {
            if (c == 1)
            {
                counts[e] = 0;
                index.remove(page);
                free[freeCount++] = e;
                return;
            }
            // the next one up takes the lowest's place
            lowest[e] = others[e][0];
            System.arraycopy(others[e], 1, others[e], 0, c - 2);
        }
        else
        {
            final int at = c > 1 ? Arrays.binarySearch(others[e], 0, c - 1, instance) : -1;
            if (at < 0)
            {
                throw new IllegalStateException("instance " + instance + " does not hold page " + page);
            }
            System.arraycopy(others[e], at + 1, others[e], at, c - 2 - at);
        }
        counts[e] = c - 1;
    }

    /** Length of the longest prefix of {@code pages} that some instance holds. */
    int prefixLength(final int[] pages)
    {
        return PageLru.heldPrefix(index, pages);
    }

    /** The lowest-numbered instance holding {@code page}, which some instance must hold. */
    int lowestHolder(final int page)
    {
        return lowest[index.get(page)];
    }

    private int allocate(final int page)
    {
        final int e;
        if (freeCount > 0)
        {
            e = free[--freeCount];
        }
        else
        {
            if (used == counts.length)
            {
                lowest = Arrays.copyOf(lowest, used * 2);
                others = Arrays.copyOf(others, used * 2);
                counts = Arrays.copyOf(counts, used * 2);
                parents = Arrays.copyOf(parents, used * 2);
                free = Arrays.copyOf(free, used * 2);
            }
            e = used++;
        }
        counts[e] = 0;
        index.put(page, e);
        return e;
    }
}
