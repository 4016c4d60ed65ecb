package dev.kvtier.model.cache;

/** Capacity and eviction count, which every policy keeps the same way. */
abstract class AbstractBlockCache implements BlockCache
{
    protected final int capacity;
    protected long evictions;

    AbstractBlockCache(final int capacity)
    {
        if (capacity < 0)
        {
            throw new IllegalArgumentException("capacity must be >= 0 blocks, got " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public final int capacity()
    {
        return capacity;
    }

    @Override
    public final long evictions()
    {
        return evictions;
    }
}
