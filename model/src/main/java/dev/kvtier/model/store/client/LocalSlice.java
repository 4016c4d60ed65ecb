package dev.kvtier.model.store.client;

/**
 * Where one value's bytes are in this node's memory: {@code length} bytes at {@code offset} of a region
 * registered with the node's context. A put reads the value from it, a get writes the value into it.
 */
public record LocalSlice(int region, long offset, long length)
{
    public LocalSlice
    {
        if (offset < 0 || length < 0)
        {
            throw new IllegalArgumentException("slice offset and length must be >= 0, got " + offset + ", " + length);
        }
    }
}
