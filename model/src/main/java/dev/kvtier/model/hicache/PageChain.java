package dev.kvtier.model.hicache;

import dev.kvtier.model.store.StoreKey;

import java.util.Arrays;

/**
 * A request's full pages, root first, as the request carries them from node to node: a page id per page for the
 * radix trees and the router, and beside it what names the page in the L3 store (SGLang's hex SHA-256 of the
 * prefix chain), so a node can name the pages in the store without asking whoever built the chain. The partial
 * last page of a prompt is never part of it (SGLang caches whole pages only when {@code page_size > 1}).
 *
 * <p>Immutable and shared: the arrays are neither copied nor mutated. A builder that knows many pages (the
 * simulator's catalog, a front end's chain builder) gives its chains one array of digests by page id, 32 bytes a
 * page, and the 64-character key is made by {@link #key} only where it leaves the process (the store calls carry
 * the digest as a {@link StoreKey}): a trace of 18 million
 * distinct pages held as key strings took 2.7 GB, as digests 0.6 GB. A recorded run's keys, which need not be
 * digests, are kept as the strings they were.
 */
public final class PageChain
{
    private static final PageChain EMPTY = new PageChain(new int[0], new String[0]);

    private final int[] ids;
    /** The keys by chain position, or null when they are made from {@link #digests}. */
    private final String[] keys;
    /** Digests by page id ({@link PageHasher#DIGEST_BYTES} each), when {@link #keys} is null. */
    private final byte[] digests;

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
        this.digests = null;
    }

    private PageChain(final int[] ids, final byte[] digests)
    {
        this.ids = ids;
        this.keys = null;
        this.digests = digests;
    }

    /**
     * A chain whose keys are the hex of its pages' digests.
     *
     * @param ids     page ids, root first; never mutated afterwards
     * @param digests the digest of page {@code p} at {@code [p * 32, p * 32 + 32)} for every id of the chain; those
     *                bytes are never mutated afterwards (the array may be shared by many chains)
     */
    public static PageChain ofDigests(final int[] ids, final byte[] digests)
    {
        for (final int id : ids)
        {
            if (id < 0 || (long)(id + 1) * PageHasher.DIGEST_BYTES > digests.length)
            {
                throw new IllegalArgumentException("page " + id + " has no digest among "
                    + digests.length / PageHasher.DIGEST_BYTES);
            }
        }
        return new PageChain(ids, digests);
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
        return keys == null ? new PageChain(Arrays.copyOf(ids, pages), digests)
            : new PageChain(Arrays.copyOf(ids, pages), Arrays.copyOf(keys, pages));
    }

    /** The page ids, root first; the caller must not mutate the array. */
    public int[] ids()
    {
        return ids;
    }

    /** The L3 key of the chain's page at {@code index} (made here when the chain holds digests). */
    public String key(final int index)
    {
        return keys != null ? keys[index]
            : PageHasher.hex(digests, ids[index] * PageHasher.DIGEST_BYTES, PageHasher.DIGEST_BYTES);
    }

    /**
     * The store key of the chain's page at {@code index}: its digest as it is (no hex is made), or the recorded key.
     */
    public StoreKey storeKey(final int index)
    {
        return keys != null ? StoreKey.of(keys[index])
            : StoreKey.ofDigest(digests, ids[index] * PageHasher.DIGEST_BYTES);
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
