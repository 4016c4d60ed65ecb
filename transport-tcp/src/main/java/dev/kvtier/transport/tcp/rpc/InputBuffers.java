package dev.kvtier.transport.tcp.rpc;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RPC server's connection input buffers, off the heap and freed the moment a connection gives one back, so
 * the process's memory follows the bytes the buffered budget admits: a heap buffer would be garbage the heap grows
 * to hold and the JVM keeps long after a flood of large frames is gone. Falls back to leaving the free to the
 * garbage collector where the JDK does not offer an explicit one.
 */
final class InputBuffers
{
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static
    {
        Object unsafe = null;
        Method cleaner = null;
        try
        {
            final Class<?> c = Class.forName("sun.misc.Unsafe");
            final Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            cleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
        }
        catch (final ReflectiveOperationException | RuntimeException e)
        {
            unsafe = null;
            cleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
    }

    private InputBuffers()
    {
    }

    static ByteBuffer allocate(final int capacity)
    {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Frees {@code buffer} now; it must not be used afterwards. */
    static void free(final ByteBuffer buffer)
    {
        if (INVOKE_CLEANER == null || !buffer.isDirect() || buffer.capacity() == 0)
        {
            return;
        }
        try
        {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        }
        catch (final ReflectiveOperationException | RuntimeException e)
        {
            // left to the garbage collector
        }
    }
}
