package dev.kvtier.model.store;

import dev.kvtier.model.primitive.LongMinHeap;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Carves byte ranges out of one mounted segment: best fit over free ranges (the smallest that fits, the lowest
 * offset among equals), coalescing neighbours on free. Being a real range allocator (not a byte counter), it
 * fragments as the real one does: a segment can have enough free bytes in total and still fail an allocation,
 * which is what the watermark eviction has to cope with.
 *
 * <p>Free ranges are indexed three ways: by start and by end in primitive hash tables (coalescing needs only the
 * neighbour that ends where a freed range starts and the one that starts where it ends), and by length in a
 * sorted map of buckets, each a min-heap of start offsets. Heap entries are checked against the start table when
 * they surface and dropped if the range has since been merged away, so removal is O(1) and the sorted map holds
 * only the few distinct lengths. Upstream uses a bin-based O(1) variant (sebbbi's OffsetAllocator); exact best fit
 * here keeps the model simple and deterministic.
 */
public final class OffsetAllocator
{
    private final long capacity;
    /** Free ranges: start → length. */
    private final OffsetTable freeByStart = new OffsetTable();
    /** Free ranges: end (exclusive) → start. */
    private final OffsetTable freeByEnd = new OffsetTable();
    /** Candidate starts by length; an entry is live while {@code freeByStart} maps it to that length. */
    private final TreeMap<Long, Bucket> freeByLength = new TreeMap<>();
    /** Allocated ranges: start → length. */
    private final OffsetTable allocated = new OffsetTable();
    private long allocatedBytes;

    /** The starts of the free ranges of one length: a min-heap with lazy deletion. */
    private static final class Bucket
    {
        final LongMinHeap starts = new LongMinHeap();
        /** Ranges of this length currently free (the heap may also hold stale starts). */
        int live;
    }

    public OffsetAllocator(final long capacity)
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
        Map.Entry<Long, Bucket> e = freeByLength.ceilingEntry(size);
        while (e != null)
        {
            final long length = e.getKey();
            final long start = lowestLive(e.getValue(), length);
            if (start < 0)
            {
                freeByLength.remove(length);
                e = freeByLength.higherEntry(length);
                continue;
            }
            removeFree(start, length);
            if (length > size)
            {
                addFree(start + size, length - size);
            }
            allocated.put(start, size);
            allocatedBytes += size;
            return start;
        }
        return -1;
    }

    /** Pops stale starts off the bucket; returns (and pops) the lowest live one, or -1 if none is left. */
    private long lowestLive(final Bucket b, final long length)
    {
        while (!b.starts.isEmpty())
        {
            final long start = b.starts.pop();
            if (freeByStart.get(start) == length)
            {
                return start;
            }
        }
        return -1;
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
        final long beforeStart = freeByEnd.get(offset);
        if (beforeStart >= 0)
        {
            removeFree(beforeStart, offset - beforeStart);
            start = beforeStart;
            length += offset - beforeStart;
        }
        final long afterLength = freeByStart.get(offset + size);
        if (afterLength >= 0)
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
        while (!freeByLength.isEmpty())
        {
            final Map.Entry<Long, Bucket> last = freeByLength.lastEntry();
            if (last.getValue().live > 0)
            {
                return last.getKey();
            }
            freeByLength.remove(last.getKey());
        }
        return 0;
    }

    /** Number of disjoint free ranges: 1 means no fragmentation. */
    public int freeRanges()
    {
        return freeByStart.size();
    }

    private void addFree(final long start, final long length)
    {
        freeByStart.put(start, length);
        freeByEnd.put(start + length, start);
        final Bucket b = freeByLength.computeIfAbsent(length, k -> new Bucket());
        b.starts.push(start);
        b.live++;
    }

    /** Forgets a free range; its heap entry goes stale and is dropped when it surfaces. */
    private void removeFree(final long start, final long length)
    {
        freeByStart.remove(start);
        freeByEnd.remove(start + length);
        final Bucket b = freeByLength.get(length);
        b.live--;
        if (b.live == 0)
        {
            freeByLength.remove(length);
        }
        else if (b.starts.size() > 2 * b.live + 16)
        {
            compact(b, length);
        }
    }

    /** Rebuilds a bucket's heap from its live starts when stale entries outnumber them. */
    private void compact(final Bucket b, final long length)
    {
        final long[] old = b.starts.toArray();
        Arrays.sort(old);
        b.starts.clear();
        for (int i = 0; i < old.length; i++)
        {
            if ((i == 0 || old[i] != old[i - 1]) && freeByStart.get(old[i]) == length)
            {
                b.starts.push(old[i]);
            }
        }
    }
}
