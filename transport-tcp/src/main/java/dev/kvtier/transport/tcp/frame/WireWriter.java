package dev.kvtier.transport.tcp.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A growable little-endian buffer for encoding frame payloads; reused across frames by one writer thread. */
public final class WireWriter
{
    private ByteBuffer buf;

    public WireWriter(final int initialCapacity)
    {
        buf = ByteBuffer.allocate(initialCapacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    public WireWriter clear()
    {
        buf.clear();
        return this;
    }

    private void ensure(final int n)
    {
        if (buf.remaining() < n)
        {
            final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                .order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    public WireWriter u8(final int v)
    {
        ensure(1);
        buf.put((byte)v);
        return this;
    }

    public WireWriter u16(final int v)
    {
        ensure(2);
        buf.putShort((short)v);
        return this;
    }

    public WireWriter i32(final int v)
    {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    public WireWriter i64(final long v)
    {
        ensure(8);
        buf.putLong(v);
        return this;
    }

    public WireWriter f64(final double v)
    {
        ensure(8);
        buf.putDouble(v);
        return this;
    }

    public WireWriter bool(final boolean v)
    {
        return u8(v ? 1 : 0);
    }

    public WireWriter string(final String s)
    {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i32(b.length);
        ensure(b.length);
        buf.put(b);
        return this;
    }

    /** Raw bytes, no length prefix (the frame's length says where they end). */
    public WireWriter bytes(final byte[] b)
    {
        ensure(b.length);
        buf.put(b);
        return this;
    }

    /** Overwrites a 32-bit value at an absolute position (frame length back-patching). */
    public void putI32At(final int position, final int v)
    {
        buf.putInt(position, v);
    }

    public int position()
    {
        return buf.position();
    }

    /** The bytes written so far, as a fresh read-only view (position 0, limit = bytes written). */
    public ByteBuffer view()
    {
        final ByteBuffer dup = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        dup.flip();
        return dup;
    }

    /** A copy of the bytes written so far, safe to hand to another thread. */
    public ByteBuffer copy()
    {
        final ByteBuffer v = view();
        final ByteBuffer c = ByteBuffer.allocate(v.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(v).flip();
        return c;
    }
}
