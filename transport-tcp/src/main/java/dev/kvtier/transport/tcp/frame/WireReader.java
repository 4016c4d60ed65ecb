package dev.kvtier.transport.tcp.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads from one frame's payload. Every overrun or absurd length becomes a
 * {@link FrameException} naming the field, so a malformed frame from a peer closes its connection instead of
 * throwing something the I/O loop does not expect.
 */
public final class WireReader
{
    /** The longest key a frame may carry, in UTF-8 bytes (see {@link #key}). */
    public static final int MAX_KEY_BYTES = 4096;

    private final ByteBuffer buf;

    public WireReader(final ByteBuffer payload)
    {
        this.buf = payload.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private void need(final int n, final String field)
    {
        if (buf.remaining() < n)
        {
            throw new FrameException("truncated payload: field '" + field + "' needs " + n + " bytes, "
                + buf.remaining() + " left");
        }
    }

    public int u8(final String field)
    {
        need(1, field);
        return buf.get() & 0xFF;
    }

    public boolean bool(final String field)
    {
        return u8(field) != 0;
    }

    public int i32(final String field)
    {
        need(4, field);
        return buf.getInt();
    }

    public long i64(final String field)
    {
        need(8, field);
        return buf.getLong();
    }

    public double f64(final String field)
    {
        need(8, field);
        return buf.getDouble();
    }

    /** A count of following items; rejects negative counts and counts the remaining bytes cannot hold. */
    public int count(final String field, final int minBytesPerItem)
    {
        final int n = i32(field);
        if (n < 0 || (long)n * minBytesPerItem > buf.remaining())
        {
            throw new FrameException("bad count " + n + " for field '" + field + "' (" + buf.remaining()
                + " bytes left)");
        }
        return n;
    }

    public String string(final String field)
    {
        final int n = count(field, 1);
        final byte[] b = new byte[n];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * A store key: a string of at most {@link #MAX_KEY_BYTES} UTF-8 bytes. SGLang's longest keys (a 64-hex-digit
     * page hash with a model, rank and K/V suffix) are under 200 bytes; 4 KiB leaves room for any naming scheme
     * while keeping a key small next to the values it names.
     */
    public String key(final String field)
    {
        final int n = count(field, 1);
        if (n > MAX_KEY_BYTES)
        {
            throw new FrameException("field '" + field + "' is " + n + " bytes; keys are at most " + MAX_KEY_BYTES
                + " bytes");
        }
        final byte[] b = new byte[n];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public int remaining()
    {
        return buf.remaining();
    }

    /** Fails if bytes are left over: a frame must be exactly its payload. */
    public void end(final String what)
    {
        if (buf.hasRemaining())
        {
            throw new FrameException(buf.remaining() + " unexpected trailing bytes after " + what);
        }
    }
}
