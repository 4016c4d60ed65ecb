package dev.kvtier.transport.tcp.transfer;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Off-heap memory with a real virtual address, the way the transfer engine sees it: anonymous {@code mmap}
 * (optionally HugeTLB-backed), and views of any address range as a {@link ByteBuffer}. Segments larger than 2 GiB
 * stay one contiguous range, which a direct {@code ByteBuffer} could not give.
 */
public final class NativeMemory
{
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MAP_HUGETLB = 0x40000;
    private static final int MAP_HUGE_SHIFT = 26;

    private interface LibC extends Library
    {
        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

        int munmap(Pointer addr, long length);
    }

    private static final class Holder
    {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private NativeMemory()
    {
    }

    /**
     * Maps {@code bytes} of anonymous memory. With {@code hugePageBytes > 0} the mapping is HugeTLB-backed with
     * that page size and {@code bytes} is rounded up to it.
     *
     * @return the base address
     * @throws IllegalStateException naming the cause (e.g. no huge pages reserved) when the mapping fails
     */
    public static long map(final long bytes, final long hugePageBytes)
    {
        int flags = MAP_PRIVATE | MAP_ANONYMOUS;
        long length = bytes;
        if (hugePageBytes > 0)
        {
            flags |= MAP_HUGETLB | (Long.numberOfTrailingZeros(hugePageBytes) << MAP_HUGE_SHIFT);
            length = (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes;
        }
        else
        {
            flags |= MAP_NORESERVE;
        }
        final Pointer p = Holder.LIBC.mmap(null, length, PROT_READ | PROT_WRITE, flags, -1, 0);
        final long addr = Pointer.nativeValue(p);
        if (addr == -1L || addr == 0)
        {
            final int errno = Native.getLastError();
            if (hugePageBytes > 0)
            {
                throw new IllegalStateException("cannot map " + length + " bytes of " + (hugePageBytes >> 20)
                    + " MiB huge pages (errno " + errno + "): reserve them first, e.g. echo N > /sys/kernel/mm/"
                    + "hugepages/hugepages-" + (hugePageBytes >> 10) + "kB/nr_hugepages, or unset "
                    + "MC_STORE_USE_HUGEPAGE");
            }
            throw new IllegalStateException("cannot map " + length + " bytes (errno " + errno + ")");
        }
        return addr;
    }

    /** Rounded length {@link #map} used for these arguments. */
    public static long mappedLength(final long bytes, final long hugePageBytes)
    {
        return hugePageBytes > 0 ? (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes : bytes;
    }

    public static void unmap(final long addr, final long length)
    {
        Holder.LIBC.munmap(new Pointer(addr), length);
    }

    /** A direct buffer over {@code [addr, addr + length)}; the caller guarantees the range is mapped. */
    public static ByteBuffer view(final long addr, final int length)
    {
        return new Pointer(addr).getByteBuffer(0, length);
    }

    /** The virtual address of a direct buffer's first byte (position 0). */
    public static long addressOf(final Buffer direct)
    {
        if (!direct.isDirect())
        {
            throw new IllegalArgumentException("buffer must be direct (ByteBuffer.allocateDirect) to be registered");
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
