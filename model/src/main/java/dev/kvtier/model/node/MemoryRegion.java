package dev.kvtier.model.node;

import java.nio.ByteBuffer;

/**
 * Local memory a node hands to its runtime for transfers: the source of a write, the destination of a read, or
 * a segment it exposes to peers. A region either has bytes behind it (a buffer: live memory, or heap memory in
 * simulator tests that check what arrives) or only a length (the serving simulator, which costs transfers but
 * moves no bytes). Nodes name regions by the handle {@link NodeContext#register} returns, never by address, so the
 * same node code runs on both runtimes.
 */
public final class MemoryRegion
{
    private final long length;
    private final ByteBuffer buffer;

    private MemoryRegion(final long length, final ByteBuffer buffer)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("region length must be >= 0, got " + length);
        }
        this.length = length;
        this.buffer = buffer;
    }

    /** A region with a length and no bytes: transfers into or out of it are costed, nothing is copied. */
    public static MemoryRegion virtual(final long length)
    {
        return new MemoryRegion(length, null);
    }

    /** A region backed by {@code buffer}'s bytes from index 0 to its capacity (heap or direct). */
    public static MemoryRegion of(final ByteBuffer buffer)
    {
        return new MemoryRegion(buffer.capacity(), buffer);
    }

    public long length()
    {
        return length;
    }

    /** The bytes, or null for a virtual region. Callers slice it; they never move its position or limit. */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** Whether {@code [offset, offset + len)} lies inside the region. */
    public boolean contains(final long offset, final long len)
    {
        return offset >= 0 && len >= 0 && offset <= length - len;
    }
}
