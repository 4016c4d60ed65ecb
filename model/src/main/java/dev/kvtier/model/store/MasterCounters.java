package dev.kvtier.model.store;

/**
 * Monotonic counters of the master's work, named after the reference's Prometheus metrics so the live
 * {@code /metrics} endpoint and sim reports can expose them one to one.
 */
public final class MasterCounters
{
    long putStart;
    long putStartAllocFailures;
    long putStartDiscarded;
    long putStartReleased;
    long getReplicaList;
    long existKey;
    long memCacheHits;
    long evictionAttempts;
    long evictionSuccesses;
    long evictedKeys;
    long evictedBytes;

    /** {@code master_put_start_requests_total} */
    public long putStart()
    {
        return putStart;
    }

    /** {@code master_put_start_alloc_failures_total} */
    public long putStartAllocFailures()
    {
        return putStartAllocFailures;
    }

    /** {@code master_put_start_discard_cnt} */
    public long putStartDiscarded()
    {
        return putStartDiscarded;
    }

    /** {@code master_put_start_release_cnt} */
    public long putStartReleased()
    {
        return putStartReleased;
    }

    /** {@code master_get_replica_list_requests_total} */
    public long getReplicaList()
    {
        return getReplicaList;
    }

    /** {@code master_exist_key_requests_total} */
    public long existKey()
    {
        return existKey;
    }

    /** {@code mem_cache_hit_nums_} */
    public long memCacheHits()
    {
        return memCacheHits;
    }

    /** {@code master_attempted_evictions_total} */
    public long evictionAttempts()
    {
        return evictionAttempts;
    }

    /** {@code master_successful_evictions_total} */
    public long evictionSuccesses()
    {
        return evictionSuccesses;
    }

    /** {@code master_evicted_key_count} */
    public long evictedKeys()
    {
        return evictedKeys;
    }

    /** {@code master_evicted_size_bytes} */
    public long evictedBytes()
    {
        return evictedBytes;
    }
}
