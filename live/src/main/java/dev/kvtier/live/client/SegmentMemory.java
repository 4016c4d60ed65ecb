package dev.kvtier.live.client;

import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.transport.tcp.transfer.SharedSegment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Locale;
import java.util.Map;

/**
 * The memory a client contributes as its global segment: one shared-memory file mapped and populated up front,
 * as the reference populates segments before registering them, so reads can be served with {@code sendfile}.
 * HugeTLB-backed when {@code MC_STORE_USE_HUGEPAGE} is set (page size from {@code MC_STORE_HUGEPAGE_SIZE}, "2MB"
 * or "1GB").
 */
public final class SegmentMemory
{
    private final SharedSegment segment;

    private SegmentMemory(final SharedSegment segment)
    {
        this.segment = segment;
    }

    /** Maps {@code bytes}; fails with one line naming the cause when huge pages were asked for and are missing. */
    public static SegmentMemory map(final long bytes, final Map<String, String> env)
    {
        return new SegmentMemory(SharedSegment.create("kvtier-segment", bytes, hugePageBytes(env)));
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

    public long base()
    {
        return segment.base();
    }

    public long length()
    {
        return segment.length();
    }

    public FileChannel file()
    {
        return segment.file();
    }

    public void release()
    {
        try
        {
            segment.close();
        }
        catch (final IOException ignored)
        {
            // the mapping is gone either way
        }
    }
}
