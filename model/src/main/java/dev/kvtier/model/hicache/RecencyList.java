package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * An intrusive doubly linked list over dense slot indices, most recent at the head, growing with the slots it is
 * given. A cache tier keeps its LRU order in one: touching is a move to the head, eviction walks from the tail
 * with {@link #previous}. Unlike the block caches' fixed lists, a slot may sit in several of these at once (a page
 * on both device and host), one list per tier.
 */
public final class RecencyList
{
    private static final int NONE = -1;

    /**
     * A slot's two links side by side, {@code 2s} toward the head and {@code 2s + 1} toward the tail, each stored
     * plus 2 so that 0 reads as not linked and 1 as no neighbour: a move touches one line per slot, not three.
     */
    private int[] links;
    private int head = NONE;
    private int tail = NONE;
    private int size;

    public RecencyList(final int initialSlots)
    {
        links = new int[Math.max(16, initialSlots) * 2];
    }

    public int size()
    {
        return size;
    }

    public boolean contains(final int slot)
    {
        return 2 * slot < links.length && links[2 * slot] != 0;
    }

    /** The least recent slot, or -1 when empty. */
    public int tail()
    {
        return tail;
    }

    /** The next more recent slot than {@code slot}, which must be in the list, or -1 at the head. */
    public int previous(final int slot)
    {
        return links[2 * slot] - 2;
    }

    /** Makes {@code slot} the most recent, linking it if it was not in the list. */
    public void moveToHead(final int slot)
    {
        if (head == slot)
        {
            return;
        }
        ensure(slot);
        final int[] l = links;
        if (l[2 * slot] != 0)
        {
            detach(l, slot);
        }
        else
        {
            size++;
        }
        l[2 * slot] = NONE + 2;
        l[2 * slot + 1] = head + 2;
        if (head != NONE)
        {
            l[2 * head] = slot + 2;
        }
        head = slot;
        if (tail == NONE)
        {
            tail = slot;
        }
    }

    /** Removes {@code slot}; a no-op if it is not in the list. */
    public void unlink(final int slot)
    {
        if (!contains(slot))
        {
            return;
        }
        final int[] l = links;
        detach(l, slot);
        l[2 * slot] = 0;
        l[2 * slot + 1] = 0;
        size--;
    }

    /** Joins a linked slot's neighbours, leaving its own links as they were. */
    private void detach(final int[] l, final int slot)
    {
        final int p = l[2 * slot] - 2;
        final int n = l[2 * slot + 1] - 2;
        if (p != NONE)
        {
            l[2 * p + 1] = n + 2;
        }
        else
        {
            head = n;
        }
        if (n != NONE)
        {
            l[2 * n] = p + 2;
        }
        else
        {
            tail = p;
        }
    }

    private void ensure(final int slot)
    {
        if (2 * slot >= links.length)
        {
            links = Arrays.copyOf(links, Math.max(2 * slot + 2, links.length * 2));
        }
    }
}
