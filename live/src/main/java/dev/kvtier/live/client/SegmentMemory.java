package dev.kvtier.live.client;

import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.transport.tcp.transfer.NativeMemory;

import java.util.Locale;
import java.util.Map;

/**
 * The memory a client contributes as its global segment: one anonymous mapping, HugeTLB-backed when
 * {@code MC_STORE_USE_HUGEPAGE} is set (page size from {@code MC_STORE_HUGEPAGE_SIZE}, "2MB" or "1GB").
 */
public record SegmentMemory(long base, long length)
{
    /** Maps {@code bytes}; fails with one line naming the cause when huge pages were asked for and are missing. */
    public static SegmentMemory map(final long bytes, final Map<String, String> env)
    {
        final long hugePage = hugePageBytes(env);
        final long length = NativeMemory.mappedLength(bytes, hugePage);
        return new SegmentMemory(NativeMemory.map(bytes, hugePage), length);
    }

    /** 0 when huge pages are not requested. */
    public static long hugePageBytes(final Map<String, String> env)
    {
        if (!env.containsKey("MC_STORE_USE_HUGEPAGE"))
        {
            return 0;
        }
        final String size = env.getOrDefault("MC_STORE_HUGEPAGE_SIZE", "2MB").toLowerCase(Locale.ROOT);
        final long bytes = ByteSizes.parse("MC_STORE_HUGEPAGE_SIZE", size);
        if (bytes != 2L << 20 && bytes != 1L << 30)
        {
            throw new IllegalArgumentException("MC_STORE_HUGEPAGE_SIZE: '" + size + "' is not a huge page size; use "
                + "2MB or 1GB");
        }
        return bytes;
    }

    public void release()
    {
        NativeMemory.unmap(base, length);
    }
}
