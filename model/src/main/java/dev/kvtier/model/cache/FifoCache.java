package dev.kvtier.model.cache;

import dev.kvtier.model.primitive.LinkedBlockLists;

/** First in, first out: hits do not reorder, so it shows how much of LRU's result is recency at all. */
public final class FifoCache extends AbstractBlockCache
{
    private final LinkedBlockLists list;

    public FifoCache(final int capacity, final int idSpace)
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
        if (list.linked(block) || capacity == 0)
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
