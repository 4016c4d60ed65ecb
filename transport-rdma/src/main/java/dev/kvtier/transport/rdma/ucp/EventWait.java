package dev.kvtier.transport.rdma.ucp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Waiting for a worker's event fd with a time limit ({@code poll(2)}), so that a progress thread with nothing to do
 * sleeps in the kernel instead of spinning, yet still wakes for a deadline. One instance per thread.
 */
public final class EventWait
{
    private static final int POLLIN = 1;

    static
    {
        Native.register(EventWait.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private final Memory pollfd = new Memory(8);
    private final int fd;

    public EventWait(final int fd)
    {
        this.fd = fd;
    }

    private static native int poll(long fds, long nfds, int timeout);

    /** Waits until the fd is readable or {@code timeoutMs} passed (just parks when the worker has no fd). */
    public void await(final int timeoutMs)
    {
        if (fd < 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(timeoutMs, 1) * 1_000_000L);
            return;
        }
        pollfd.setInt(0, fd);
        pollfd.setShort(4, (short)POLLIN);
        pollfd.setShort(6, (short)0);
        poll(Pointer.nativeValue(pollfd), 1, timeoutMs);
    }
}
