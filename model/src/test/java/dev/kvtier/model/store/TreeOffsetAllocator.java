package dev.kvtier.model.store;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The first, tree-based best-fit allocator, kept as the reference that {@link OffsetAllocator} must match
 * operation for operation.
 *
 * <p>Carves byte ranges out of one mounted segment: best fit over free ranges, coalescing neighbours on free. Being
 * a real range allocator (not a byte counter), it fragments as the real one does: a segment can have enough free
 * bytes in total and still fail an allocation, which is what the watermark eviction has to cope with.
 *
 * <p>Upstream uses a bin-based O(1) variant of the same idea (sebbbi's OffsetAllocator); best fit with exact
 * sizes here keeps the model simple and deterministic.
 */
final class TreeOffsetAllocator
{
    private final long capacity;
    /** Free ranges by start offset, value = length. */
    private final TreeMap<Long, Long> freeByOffset = new TreeMap<>();
    /** Free ranges ordered by (length, offset), for best fit. */
    private final TreeSet<long[]> freeBySize = new TreeSet<>((a, b) ->
        a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[0], b[0]));
    /** Allocated ranges by start offset, value = length. */
    private final OffsetTable allocated = new OffsetTable();
    private long allocatedBytes;

    TreeOffsetAllocator(final long capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("segment capacity must be > 0 bytes, got " + capacity);
        }
        this.capacity = capacity;
        addFree(0, capacity);
    }

    /** Offset of a new range of {@code size} bytes, or -1 when no free range is large enough. */
    public long allocate(final long size)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("allocation size must be > 0, got " + size);
        }
        final long[] fit = freeBySize.ceiling(new long[] {-1, size});
        if (fit == null)
        {
            return -1;
        }
        removeFree(fit[0], fit[1]);
        if (fit[1] > size)
        {
            addFree(fit[0] + size, fit[1] - size);
        }
        allocated.put(fit[0], size);
        allocatedBytes += size;
        return fit[0];
    }

    /** Returns a range obtained from {@link #allocate}; merges it with free neighbours. */
    public void free(final long offset)
    {
        final long size = offset < 0 ? -1 : allocated.remove(offset);
        if (size < 0)
        {
            throw new IllegalArgumentException("offset " + offset + " is not an allocated range");
        }
        allocatedBytes -= size;
        long start = offset;
        long length = size;
        final Map.Entry<Long, Long> before = freeByOffset.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset)
        {
            removeFree(before.getKey(), before.getValue());
            start = before.getKey();
            length += before.getValue();
        }
        final Long afterLength = freeByOffset.get(offset + size);
        if (afterLength != null)
        {
            removeFree(offset + size, afterLength);
            length += afterLength;
        }
        addFree(start, length);
    }

    public long capacity()
    {
        return capacity;
    }

    public long allocatedBytes()
    {
        return allocatedBytes;
    }

    public long freeBytes()
    {
        return capacity - allocatedBytes;
    }

    /** The largest allocation that would succeed now. */
    public long largestFreeRange()
    {
        return freeBySize.isEmpty() ? 0 : freeBySize.last()[1];
    }

    /** Number of disjoint free ranges: 1 means no fragmentation. */
    public int freeRanges()
    {
        return freeByOffset.size();
    }

    private void addFree(final long offset, final long length)
    {
        freeByOffset.put(offset, length);
        freeBySize.add(new long[] {offset, length});
    }

    private void removeFree(final long offset, final long length)
    {
        freeByOffset.remove(offset);
        freeBySize.remove(new long[] {offset, length});
    }
}
