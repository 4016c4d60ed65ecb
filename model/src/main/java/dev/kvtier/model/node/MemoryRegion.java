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
    private final Object attachment;
    private final long address;

    private MemoryRegion(final long length, final ByteBuffer buffer, final Object attachment, final long address)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("region length must be >= 0, got " + length);
        }
        this.length = length;
        this.buffer = buffer;
        this.attachment = attachment;
        this.address = address;
    }

    /** A region with a length and no bytes: transfers into or out of it are costed, nothing is copied. */
    public static MemoryRegion virtual(final long length)
    {
        return new MemoryRegion(length, null, null, -1);
    }

    /** A region backed by {@code buffer}'s bytes from index 0 to its capacity (heap or direct). */
    public static MemoryRegion of(final ByteBuffer buffer)
    {
        return new MemoryRegion(buffer.capacity(), buffer, null, -1);
    }

    /**
     * A region backed by {@code buffer}, with a handle a transport may use to serve it without copying (the file
     * behind a shared mapping, which TCP sends with sendfile); nodes never look at it.
     */
    public static MemoryRegion of(final ByteBuffer buffer, final Object attachment)
    {
        return new MemoryRegion(buffer.capacity(), buffer, attachment, -1);
    }

    /**
     * Memory mapped outside the Java heap at a native address, larger than one buffer can be (a store segment of
     * many GiB), offered to peers by a transport that addresses real memory; {@code attachment} as above.
     */
    public static MemoryRegion mapped(final long address, final long length, final Object attachment)
    {
        if (address <= 0)
        {
            throw new IllegalArgumentException("a mapped region needs its native address, got " + address);
        }
        return new MemoryRegion(length, null, attachment, address);
    }

    /** The native address of a {@link #mapped} region, or -1. */
    public long address()
    {
        return address;
    }

    /** The transport's handle for this memory, or null. */
    public Object attachment()
    {
        return attachment;
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
