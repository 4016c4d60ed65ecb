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

    private int[] prev;
    private int[] next;
    private boolean[] linked;
    private int head = NONE;
    private int tail = NONE;
    private int size;

    public RecencyList(final int initialSlots)
    {
        final int n = Math.max(16, initialSlots);
        prev = new int[n];
        next = new int[n];
        linked = new boolean[n];
    }

    public int size()
    {
        return size;
    }

    public boolean contains(final int slot)
    {
        return slot < linked.length && linked[slot];
    }

    /** The least recent slot, or -1 when empty. */
    public int tail()
    {
        return tail;
    }

    /** The next more recent slot than {@code slot}, or -1 at the head. */
    public int previous(final int slot)
    {
        return prev[slot];
    }

    /** Makes {@code slot} the most recent, linking it if it was not in the list. */
    public void moveToHead(final int slot)
    {
        if (head == slot)
        {
            return;
        }
        ensure(slot);
        if (linked[slot])
        {
            unlink(slot);
        }
        prev[slot] = NONE;
        next[slot] = head;
        if (head != NONE)
        {
            prev[head] = slot;
        }
        head = slot;
        if (tail == NONE)
        {
            tail = slot;
        }
        linked[slot] = true;
        size++;
    }

    /** Removes {@code slot}; a no-op if it is not in the list. */
    public void unlink(final int slot)
    {
        if (!contains(slot))
        {
            return;
        }
        final int p = prev[slot];
        final int n = next[slot];
        if (p != NONE)
        {
            next[p] = n;
        }
        else
        {
            head = n;
        }
        if (n != NONE)
        {
            prev[n] = p;
        }
        else
        {
            tail = p;
        }
        prev[slot] = NONE;
        next[slot] = NONE;
        linked[slot] = false;
        size--;
    }

    private void ensure(final int slot)
    {
        if (slot >= prev.length)
        {
            final int n = Math.max(slot + 1, prev.length * 2);
            prev = Arrays.copyOf(prev, n);
            next = Arrays.copyOf(next, n);
            linked = Arrays.copyOf(linked, n);
        }
    }
}
