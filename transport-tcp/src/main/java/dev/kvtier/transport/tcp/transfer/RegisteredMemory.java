package dev.kvtier.transport.tcp.transfer;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The address ranges a process exposes to remote reads and writes ({@code registerLocalMemory}). The transfer
 * server resolves every request against it and rejects any range that is not wholly inside one registration, so a
 * peer can never touch memory the process did not offer.
 */
public final class RegisteredMemory
{
    private final ConcurrentSkipListMap<Long, Long> ranges = new ConcurrentSkipListMap<>();

    /** Registers {@code [base, base + length)}. */
    public void register(final long base, final long length)
    {
        if (length <= 0)
        {
            throw new IllegalArgumentException("registered length must be > 0, got " + length);
        }
        final Map.Entry<Long, Long> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getKey() + below.getValue() > base)
        {
            throw new IllegalArgumentException("range at 0x" + Long.toHexString(base) + " overlaps a registration");
        }
        ranges.put(base, length);
    }

    /** Registers a direct buffer's whole capacity and returns its base address. */
    public long register(final ByteBuffer direct)
    {
        final long base = NativeMemory.addressOf(direct);
        register(base, direct.capacity());
        return base;
    }

    public boolean unregister(final long base)
    {
        return ranges.remove(base) != null;
    }

    /** True when {@code [addr, addr + size)} lies inside one registered range (overflow-safe). */
    public boolean contains(final long addr, final long size)
    {
        if (size < 0)
        {
            return false;
        }
        final Map.Entry<Long, Long> e = ranges.floorEntry(addr);
        if (e == null)
        {
            return false;
        }
        final long offset = addr - e.getKey();
        return offset >= 0 && size <= e.getValue() - offset;
    }

    /** A buffer over a range already checked with {@link #contains}; {@code size} fits an int by construction. */
    public ByteBuffer view(final long addr, final long size)
    {
        if (size > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("one transfer is limited to 2 GiB, got " + size);
        }
        return NativeMemory.view(addr, (int)size);
    }
}
