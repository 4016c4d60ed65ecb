package dev.kvtier.transport.tcp.transfer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The v2 status frame: one u64 little-endian whose high 32 bits are the magic {@code 0x4D435456} ("MCTV") and
 * whose low 32 bits are the code, 0 for OK and 1 when the target rejected the address range.
 */
public final class TransferStatus
{
    public static final int BYTES = 8;
    public static final int MAGIC = 0x4D435456;
    public static final int OK = 0;
    public static final int ADDRESS_REJECTED = 1;

    private TransferStatus()
    {
    }

    public static void encode(final ByteBuffer out, final int code)
    {
        final ByteOrder order = out.order();
        out.order(ByteOrder.LITTLE_ENDIAN).putLong(((long)MAGIC << 32) | (code & 0xFFFFFFFFL)).order(order);
    }

    /** The code carried by the 8 bytes at {@code in}'s position; fails on a wrong magic. */
    public static int decode(final ByteBuffer in)
    {
        final long v = in.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong();
        in.position(in.position() + BYTES);
        if ((int)(v >>> 32) != MAGIC)
        {
            throw new TransferException("bad status frame magic 0x" + Long.toHexString(v >>> 32));
        }
        return (int)v;
    }
}
