package dev.kvtier.model.store;

import java.util.Arrays;

/**
 * Every replica the master knows, as entries of one {@code long[]} (four longs each: segment, offset, allocator
 * handle with status, next entry of the same object) chained per object in placement order. A full store holds
 * hundreds of thousands of replicas; as objects they were a third of what the collector copied in a serving run,
 * as entries they are one array. Entries are reused through a free chain.
 */
final class ReplicaPool
{
    static final int NONE = -1;
    private static final int STRIDE = 4;
    private static final int SEGMENT = 0;
    private static final int OFFSET = 1;
    /** Allocator handle in the low 32 bits, status ordinal above. */
    private static final int META = 2;
    private static final int NEXT = 3;
    private static final ReplicaStatus[] STATUSES = ReplicaStatus.values();

    private long[] entries = new long[1024 * STRIDE];
    private int used;
    private int freeHead = NONE;

    /** A new entry, not yet chained to anything. */
    int add(final long segmentId, final int allocation, final long offset, final ReplicaStatus status)
    {
        final int e;
        if (freeHead != NONE)
        {
            e = freeHead;
            freeHead = (int)entries[e * STRIDE + NEXT];
        }
        else
        {
            if ((used + 1) * STRIDE > entries.length)
            {
                entries = Arrays.copyOf(entries, entries.length * 2);
            }
            e = used++;
        }
        final int b = e * STRIDE;
        entries[b + SEGMENT] = segmentId;
        entries[b + OFFSET] = offset;
        entries[b + META] = meta(allocation, status);
        entries[b + NEXT] = NONE;
        return e;
    }

    /** Returns an entry to the free chain. */
    void release(final int e)
    {
        entries[e * STRIDE + NEXT] = freeHead;
        freeHead = e;
    }

    private static long meta(final int allocation, final ReplicaStatus status)
    {
        return (allocation & 0xFFFF_FFFFL) | ((long)status.ordinal() << 32);
    }

    long segmentId(final int e)
    {
        return entries[e * STRIDE + SEGMENT];
    }

    long offset(final int e)
    {
        return entries[e * STRIDE + OFFSET];
    }

    int allocation(final int e)
    {
        return (int)entries[e * STRIDE + META];
    }

    ReplicaStatus status(final int e)
    {
        return STATUSES[(int)(entries[e * STRIDE + META] >>> 32)];
    }

    void status(final int e, final ReplicaStatus status)
    {
        entries[e * STRIDE + META] = meta(allocation(e), status);
    }

    int next(final int e)
    {
        return (int)entries[e * STRIDE + NEXT];
    }

    void next(final int e, final int next)
    {
        entries[e * STRIDE + NEXT] = next;
    }
}
