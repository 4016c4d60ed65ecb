package dev.kvtier.transport.tcp.transfer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Mooncake TCP transfer request header, 24 bytes little-endian: {@code size} (u64), {@code addr} (u64, the
 * target's virtual address), {@code opcode} (u8: READ=0, WRITE=1, bit 0x80 = protocol v2) and 7 padding bytes.
 * A v2 peer answers every request with an 8-byte {@link TransferStatus} frame.
 */
public record TransferHeader(long size, long addr, int opcode)
{
    public static final int BYTES = 24;
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int V2_FLAG = 0x80;
    /** Payload chunk written per socket call ({@code MC_TCP_SLICE_SIZE}). */
    public static final int SLICE_BYTES = 64 * 1024;

    public static TransferHeader read(final long addr, final long size)
    {
        return new TransferHeader(size, addr, READ | V2_FLAG);
    }

    public static TransferHeader write(final long addr, final long size)
    {
        return new TransferHeader(size, addr, WRITE | V2_FLAG);
    }

    /** The operation without the version bit. */
    public int operation()
    {
        return opcode & 0x7F;
    }

    public boolean v2()
    {
        return (opcode & V2_FLAG) != 0;
    }

    public void encode(final ByteBuffer out)
    {
        final ByteOrder order = out.order();
        out.order(ByteOrder.LITTLE_ENDIAN).putLong(size).putLong(addr).put((byte)opcode)
            .put(new byte[7]).order(order);
    }

    /** Decodes a full 24-byte header from {@code in}'s position. */
    public static TransferHeader decode(final ByteBuffer in)
    {
        final ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final long size = b.getLong();
        final long addr = b.getLong();
        final int opcode = b.get() & 0xFF;
        in.position(in.position() + BYTES);
        return new TransferHeader(size, addr, opcode);
    }
}
