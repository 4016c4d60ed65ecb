package dev.kvtier.transport.tcp.transfer;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Segment memory backed by an anonymous shared-memory file ({@code memfd_create}, HugeTLB with
 * {@code MFD_HUGETLB}) and mapped shared. Writes land through the mapping as with plain memory; reads can leave
 * through {@link FileChannel#transferTo}, i.e. {@code sendfile}, so the kernel hands the pages to the socket
 * instead of copying them into socket buffers first: on loopback one copy per byte instead of two.
 */
public final class SharedSegment implements AutoCloseable
{
    private static final int MFD_CLOEXEC = 0x1;
    private static final int MFD_HUGETLB = 0x4;
    private static final int MFD_HUGE_SHIFT = 26;

    private interface LibC extends Library
    {
        int memfd_create(String name, int flags);

        int ftruncate(int fd, long length);

        int close(int fd);
    }

    private static final class Holder
    {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final long base;
    private final long length;
    private final FileChannel file;

    private SharedSegment(final long base, final long length, final FileChannel file)
    {
        this.base = base;
        this.length = length;
        this.file = file;
    }

    /**
     * Creates and maps {@code bytes} (rounded up to {@code hugePageBytes} when > 0), every page populated.
     *
     * @throws IllegalStateException naming the cause, e.g. no huge pages reserved
     */
    public static SharedSegment create(final String name, final long bytes, final long hugePageBytes)
    {
        final long length = NativeMemory.mappedLength(bytes, hugePageBytes);
        final int flags = MFD_CLOEXEC | (hugePageBytes > 0
            ? MFD_HUGETLB | (Long.numberOfTrailingZeros(hugePageBytes) << MFD_HUGE_SHIFT) : 0);
        final int fd = Holder.LIBC.memfd_create(name, flags);
        if (fd < 0)
        {
            throw new IllegalStateException("memfd_create failed (errno " + Native.getLastError() + ")");
        }
        try
        {
            if (Holder.LIBC.ftruncate(fd, length) != 0)
            {
                throw new IllegalStateException("cannot size a " + length + "-byte segment (errno "
                    + Native.getLastError() + ")" + (hugePageBytes > 0 ? NativeMemory.hugePageHint(hugePageBytes) : ""));
            }
            final long addr = NativeMemory.mapShared(fd, length, hugePageBytes);
            final FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            return new SharedSegment(addr, length, ch);
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot open the segment's memory file: " + e.getMessage(), e);
        }
        finally
        {
            Holder.LIBC.close(fd);
        }
    }

    public long base()
    {
        return base;
    }

    public long length()
    {
        return length;
    }

    /** The file behind the mapping, offset 0 = {@link #base()}. */
    public FileChannel file()
    {
        return file;
    }

    @Override
    public void close() throws IOException
    {
        NativeMemory.unmap(base, length);
        file.close();
    }
}
