package dev.kvtier.model.cache;

import dev.kvtier.model.primitive.LinkedBlockLists;

/** Least recently used: the baseline of every prefix-cache paper and of SGLang's radix-tree eviction. */
public final class LruCache extends AbstractBlockCache
{
    private final LinkedBlockLists list;

    public LruCache(final int capacity, final int idSpace)
    {
        super(capacity);
        this.list = new LinkedBlockLists(idSpace, 1);
    }

    @Override
    public boolean contains(final int block)
    {
        return list.linked(block);
    }

    @Override
    public void access(final int block, final int depth, final int tokens, final int nextUse)
    {
        if (list.linked(block))
        {
            list.moveToHead(0, block);
            return;
        }
        if (capacity == 0)
        {
            return;
        }
        if (list.size(0) == capacity)
        {
            list.unlink(0, list.tail(0));
            evictions++;
        }
        list.pushHead(0, block);
    }

    @Override
    public int size()
    {
        return list.size(0);
    }
}
