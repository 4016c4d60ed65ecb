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
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MAP_POPULATE = 0x8000;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int MAP_HUGETLB = 0x40000;
    private static final int MAP_HUGE_SHIFT = 26;

    private interface LibC extends Library
    {
        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

        int munmap(Pointer addr, long length);

        int madvise(Pointer addr, long length, int advice);
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
        return map(bytes, hugePageBytes, false);
    }

    /**
     * As {@link #map(long, long)}; with {@code populate} every page is faulted in now ({@code MAP_POPULATE}), as
     * the reference populates segments before registering them, so the first writes into a segment do not pay
     * a page fault per 4 KiB.
     */
    public static long map(final long bytes, final long hugePageBytes, final boolean populate)
    {
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | (populate && hugePageBytes > 0 ? MAP_POPULATE : 0);
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
                throw new IllegalStateException("cannot map " + length + " bytes of huge pages (errno " + errno + ")"
                    + hugePageHint(hugePageBytes));
            }
            throw new IllegalStateException("cannot map " + length + " bytes (errno " + errno + ")");
        }
        if (hugePageBytes == 0 && populate)
        {
            populateTransparentHuge(addr, length);
        }
        return addr;
    }

    /**
     * Asks for transparent huge pages (fewer TLB misses when the kernel copies a value out of a large segment),
     * then faults every page in; kernels without {@code MADV_POPULATE_WRITE} get one write per 4 KiB page.
     */
    private static void populateTransparentHuge(final long addr, final long length)
    {
        final Pointer p = new Pointer(addr);
        Holder.LIBC.madvise(p, length, MADV_HUGEPAGE);
        if (Holder.LIBC.madvise(p, length, MADV_POPULATE_WRITE) != 0)
        {
            for (long off = 0; off < length; off += 4096)
            {
                p.setByte(off, (byte)0);
            }
        }
    }

    /** The one-line fix for a failed huge page allocation. */
    static String hugePageHint(final long hugePageBytes)
    {
        return ": reserve " + (hugePageBytes >> 20) + " MiB huge pages first, e.g. echo N > /sys/kernel/mm/hugepages/"
            + "hugepages-" + (hugePageBytes >> 10) + "kB/nr_hugepages, or unset MC_STORE_USE_HUGEPAGE";
    }

    /** Maps {@code length} bytes of the file {@code fd} shared and populated; HugeTLB files need the page size. */
    static long mapShared(final int fd, final long length, final long hugePageBytes)
    {
        final Pointer p = Holder.LIBC.mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
        final long addr = Pointer.nativeValue(p);
        if (addr == -1L || addr == 0)
        {
            final int errno = Native.getLastError();
            throw new IllegalStateException("cannot map a " + length + "-byte segment (errno " + errno + ")"
                + (hugePageBytes > 0 ? hugePageHint(hugePageBytes) : ""));
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
