package dev.kvtier.transport.tcp.transfer;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Off-heap memory with a real virtual address, the way the transfer engine sees it: shared {@code mmap} of a
 * segment's memory file, and views of any address range as a {@link ByteBuffer}. Segments larger than 2 GiB stay
 * one contiguous range, which a direct {@code ByteBuffer} could not give.
 */
public final class NativeMemory
{
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_POPULATE = 0x8000;

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

    /** {@code bytes} rounded up to whole huge pages when {@code hugePageBytes > 0}. */
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
