package dev.kvtier.model.store;

/**
 * The master's metadata for one key: who wrote it, when, its lease and pins, and — as the list it extends — its
 * replicas (one object per key rather than two: a full store holds hundreds of thousands). Mutable, owned by
 * {@link MasterService} alone.
 */
final class StoreObject extends ReplicaList
{
    /** One replica: a range in a segment (with the segment allocator's handle for it), and its state. */
    static final class Replica
    {
        final long segmentId;
        final int allocation;
        final long offset;
        final long size;
        ReplicaStatus status = ReplicaStatus.PROCESSING;

        Replica(final long segmentId, final int allocation, final long offset, final long size)
        {
            this.segmentId = segmentId;
            this.allocation = allocation;
            this.offset = offset;
            this.size = size;
        }
    }

    final String key;
    final long clientId;
    final long size;
    final long putStartTimeMs;
    final boolean hardPin;
    final long softPinTtlMs;
    long leaseTimeoutMs;
    long softPinDeadlineMs = -1;
    /** Position in {@link ObjectTable}'s dense array. */
    int denseIndex = -1;
    /**
     * {@link #allComplete()} as of the last replica change, kept so the eviction scan reads one object per key
     * instead of walking its replica list; refreshed by {@link #refreshComplete()} wherever replicas change.
     */
    boolean complete;
    /** {@link #hasComplete()} as of the last replica change, refreshed with {@link #complete}. */
    boolean anyComplete;

    StoreObject(final String key, final long clientId, final long size, final long putStartTimeMs,
        final boolean hardPin, final long softPinTtlMs)
    {
        this.key = key;
        this.clientId = clientId;
        this.size = size;
        this.putStartTimeMs = putStartTimeMs;
        this.hardPin = hardPin;
        this.softPinTtlMs = softPinTtlMs;
    }

    boolean hasComplete()
    {
        for (final Replica r : this)
        {
            if (r.status == ReplicaStatus.COMPLETE)
            {
                return true;
            }
        }
        return false;
    }

    void refreshComplete()
    {
        complete = allComplete();
        anyComplete = hasComplete();
    }

    boolean allComplete()
    {
        for (final Replica r : this)
        {
            if (r.status != ReplicaStatus.COMPLETE)
            {
                return false;
            }
        }
        return !isEmpty();
    }

    boolean hasProcessing()
    {
        for (final Replica r : this)
        {
            if (r.status == ReplicaStatus.PROCESSING)
            {
                return true;
            }
        }
        return false;
    }

    boolean leaseActive(final long nowMs)
    {
        return leaseTimeoutMs > nowMs;
    }

    boolean softPinned(final long nowMs)
    {
        return softPinDeadlineMs > nowMs;
    }
}
