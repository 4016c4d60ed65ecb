package dev.kvtier.model.cache;

import dev.kvtier.model.primitive.LinkedBlockLists;

/**
 * LRU that evicts partial blocks before full ones. A partial last block is keyed by its exact token count, so it
 * is only ever reused by an identical prompt: the next turn of the same conversation extends it into a full block
 * with a different hash. Trace replays show partial blocks are almost never hit again, so spending capacity on
 * them costs full blocks that would have been. The signal is online (the block's size), so this policy is
 * deployable, unlike OPT.
 */
public final class PartialFirstLruCache extends AbstractBlockCache
{
    private static final int FULL = 0;
    private static final int PARTIAL = 1;

    private final LinkedBlockLists lists;
    private final boolean[] partial;
    private final int fullTokens;

    public PartialFirstLruCache(final int capacity, final int idSpace, final int fullTokens)
    {
        super(capacity);
        this.fullTokens = fullTokens;
        this.lists = new LinkedBlockLists(idSpace, 2);
        this.partial = new boolean[idSpace];
    }

    @Override
    public boolean contains(final int block)
    {
        return lists.linked(block);
    }

    @Override
    public void access(final int block, final int depth, final int tokens, final int nextUse)
    {
        if (lists.linked(block))
        {
            lists.moveToHead(partial[block] ? PARTIAL : FULL, block);
            return;
        }
        if (capacity == 0)
        {
            return;
        }
        if (size() == capacity)
        {
            final int list = lists.size(PARTIAL) > 0 ? PARTIAL : FULL;
            lists.unlink(list, lists.tail(list));
            evictions++;
        }
        partial[block] = tokens < fullTokens;
        lists.pushHead(partial[block] ? PARTIAL : FULL, block);
    }

    @Override
    public int size()
    {
        return lists.size(FULL) + lists.size(PARTIAL);
    }
}
