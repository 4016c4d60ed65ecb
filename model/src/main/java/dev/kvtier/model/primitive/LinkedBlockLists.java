package dev.kvtier.model.primitive;

import java.util.Arrays;

/**
 * Several intrusive doubly linked lists of block ids sharing one pair of primitive link arrays: a block is on at
 * most one list at a time. Head is the most recently inserted end. No allocation after construction, which keeps
 * a replay of millions of block touches out of the garbage collector.
 */
public final class LinkedBlockLists
{
    private static final int NONE = -1;

    private final int[] prev;
    private final int[] next;
    private final int[] sizes;
    private final int blocks;

    public LinkedBlockLists(final int idSpace, final int lists)
    {
        this.blocks = idSpace;
        this.prev = new int[idSpace + lists];
        this.next = new int[idSpace + lists];
        this.sizes = new int[lists];
        Arrays.fill(prev, 0, idSpace, NONE);
        Arrays.fill(next, 0, idSpace, NONE);
        for (int l = 0; l < lists; l++)
        {
            final int s = idSpace + l;
            prev[s] = s;
            next[s] = s;
        }
    }

    public boolean linked(final int block)
    {
        return next[block] != NONE;
    }

    public int size(final int list)
    {
        return sizes[list];
    }

    public void pushHead(final int list, final int block)
    {
        final int s = blocks + list;
        final int first = next[s];
        next[block] = first;
        prev[block] = s;
        prev[first] = block;
        next[s] = block;
        sizes[list]++;
    }

    /** The least recently inserted block, or -1 when the list is empty. */
    public int tail(final int list)
    {
        final int s = blocks + list;
        final int last = prev[s];
        return last == s ? NONE : last;
    }

    public void unlink(final int list, final int block)
    {
        final int p = prev[block];
        final int n = next[block];
        next[p] = n;
        prev[n] = p;
        prev[block] = NONE;
        next[block] = NONE;
        sizes[list]--;
    }

    public void moveToHead(final int list, final int block)
    {
        unlink(list, block);
        pushHead(list, block);
    }
}
