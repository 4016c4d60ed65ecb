package dev.kvtier.model.fuzz;

import java.lang.management.ManagementFactory;

/**
 * The fuzz targets' second crash condition, shared by every module's targets: a decoder may allocate in proportion
 * to its input (copies, objects per field), never more than 64 bytes per input byte plus a fixed cost the target
 * states (16 MiB for the binary decoders; 128 MiB for the JSON readers, whose parsers, mappers or defaults are built
 * per call and allocate tens of MiB under the fuzzer's instrumentation). A length field taken at its word goes far
 * beyond either. Targets measure a second run of the same input, so class loading on the first does not count.
 */
public final class AllocationBound
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private AllocationBound()
    {
    }

    /** Bytes this thread has allocated so far. */
    public static long allocated()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Fails when this thread allocated more since {@code before} than {@code inputBytes} may cost. */
    public static void check(final long before, final int inputBytes, final long fixedBytes)
    {
        final long used = allocated() - before;
        if (used > 64L * inputBytes + fixedBytes)
        {
            throw new IllegalStateException("allocated " + used + " bytes decoding " + inputBytes + " input bytes");
        }
    }
}
