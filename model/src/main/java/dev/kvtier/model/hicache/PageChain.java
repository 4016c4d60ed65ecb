package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * A request's full pages, root first, as the request carries them from node to node: a page id per page for the
 * radix trees and the router, and beside it the page's L3 key (SGLang's hex SHA-256 of the prefix chain), so a
 * node can name the pages in the store without asking whoever built the chain. The partial last page of a prompt
 * is never part of it (SGLang caches whole pages only when {@code page_size > 1}).
 *
 * <p>Immutable and shared: the arrays are neither copied nor mutated, and a builder that knows many requests
 * (the simulator's catalog) hands every chain the same key strings, so a chain costs two arrays of one slot per
 * page, not a string per page.
 */
public final class PageChain
{
    private static final PageChain EMPTY = new PageChain(new int[0], new String[0]);

    private final int[] ids;
    private final String[] keys;

    /**
     * @param ids  page ids, root first; never mutated afterwards
     * @param keys {@code keys[i]} is the L3 key of page {@code ids[i]}; never mutated afterwards
     */
    public PageChain(final int[] ids, final String[] keys)
    {
        if (ids.length != keys.length)
        {
            throw new IllegalArgumentException(ids.length + " page ids but " + keys.length + " keys");
        }
        this.ids = ids;
        this.keys = keys;
    }

    public static PageChain empty()
    {
        return EMPTY;
    }

    public int length()
    {
        return ids.length;
    }

    /** The chain's first {@code pages} pages (this chain when that is all of it). */
    public PageChain prefix(final int pages)
    {
        if (pages == ids.length)
        {
            return this;
        }
        if (pages < 0 || pages > ids.length)
        {
            throw new IllegalArgumentException("prefix of " + pages + " pages of a chain of " + ids.length);
        }
        return new PageChain(Arrays.copyOf(ids, pages), Arrays.copyOf(keys, pages));
    }

    /** The page ids, root first; the caller must not mutate the array. */
    public int[] ids()
    {
        return ids;
    }

    /** The L3 key of the chain's page at {@code index}. */
    public String key(final int index)
    {
        return keys[index];
    }

    /**
     * Where page {@code pageId} sits in the chain, looked for from {@code from} on (pages are usually asked for in
     * chain order) and then from the root; throws if the chain does not hold it.
     */
    public int indexOf(final int pageId, final int from)
    {
        for (int i = from; i < ids.length; i++)
        {
            if (ids[i] == pageId)
            {
                return i;
            }
        }
        for (int i = 0; i < Math.min(from, ids.length); i++)
        {
            if (ids[i] == pageId)
            {
                return i;
            }
        }
        throw new IllegalArgumentException("page " + pageId + " is not in the chain");
    }

    @Override
    public String toString()
    {
        return "PageChain" + Arrays.toString(ids);
    }
}
