package dev.kvtier.transport.tcp.transfer;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The address ranges a process exposes to remote reads and writes ({@code registerLocalMemory}). The transfer
 * server resolves every request against it and rejects any range that is not wholly inside one registration, so a
 * peer can never touch memory the process did not offer. A range backed by a shared-memory file (see
 * {@link SharedSegment}) also carries that file, so reads can be served with {@code sendfile} instead of a copy.
 */
public final class RegisteredMemory
{
    /** One registration; {@code file} maps offset 0 to {@code base}, or is null for plain memory. */
    public record Region(long base, long length, FileChannel file)
    {
    }

    private final ConcurrentSkipListMap<Long, Region> ranges = new ConcurrentSkipListMap<>();

    /** Registers {@code [base, base + length)}. */
    public void register(final long base, final long length)
    {
        register(base, length, null);
    }

    /** Registers {@code [base, base + length)}, backed by {@code file} from its offset 0 (or null). */
    public void register(final long base, final long length, final FileChannel file)
    {
        if (length <= 0)
        {
            throw new IllegalArgumentException("registered length must be > 0, got " + length);
        }
        final Map.Entry<Long, Region> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getKey() + below.getValue().length() > base)
        {
            throw new IllegalArgumentException("range at 0x" + Long.toHexString(base) + " overlaps a registration");
        }
        ranges.put(base, new Region(base, length, file));
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

    /** The registration wholly containing {@code [addr, addr + size)}, or null (overflow-safe). */
    public Region find(final long addr, final long size)
    {
        if (size < 0)
        {
            return null;
        }
        final Map.Entry<Long, Region> e = ranges.floorEntry(addr);
        if (e == null)
        {
            return null;
        }
        final long offset = addr - e.getKey();
        return offset >= 0 && size <= e.getValue().length() - offset ? e.getValue() : null;
    }

    /** True when {@code [addr, addr + size)} lies inside one registered range. */
    public boolean contains(final long addr, final long size)
    {
        return find(addr, size) != null;
    }

    /** A buffer over a range already checked with {@link #contains}. */
    public ByteBuffer view(final long addr, final long size)
    {
        if (size > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("one transfer is limited to 2 GiB, got " + size);
        }
        return NativeMemory.view(addr, (int)size);
    }
}
