package dev.kvtier.model.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-RPC request and failure counts kept by the master node, named as upstream's Prometheus metrics name them
 * ({@code master_<op>_requests_total}, {@code master_batch_<op>_items_total}, ...). Kept in the model so the
 * simulator and the live master count the same things; ordered by name so reports are stable.
 */
public final class MasterRpcCounters
{
    /** Counts of one single-key RPC. */
    public static final class Single
    {
        private long requests;
        private long failures;

        public long requests()
        {
            return requests;
        }

        public long failures()
        {
            return failures;
        }
    }

    /** Counts of one batch RPC: calls, and items inside them. */
    public static final class Batch
    {
        private long requests;
        private long failures;
        private long partialSuccesses;
        private long items;
        private long failedItems;

        public long requests()
        {
            return requests;
        }

        public long failures()
        {
            return failures;
        }

        public long partialSuccesses()
        {
            return partialSuccesses;
        }

        public long items()
        {
            return items;
        }

        public long failedItems()
        {
            return failedItems;
        }
    }

    private final Map<String, Single> single = new TreeMap<>();
    private final Map<String, Batch> batch = new TreeMap<>();

    public MasterRpcCounters()
    {
        for (final String op : List.of("put_start", "put_end", "put_revoke", "get_replica_list", "exist_key",
            "remove", "remove_by_regex", "remove_all", "mount_segment", "unmount_segment", "remount_segment",
            "ping", "get_size"))
        {
            single.put(op, new Single());
        }
        for (final String op : List.of("put_start", "put_end", "put_revoke", "get_replica_list", "exist_key",
            "remove"))
        {
            batch.put(op, new Batch());
        }
    }

    void recordSingle(final String op, final boolean failed)
    {
        final Single s = single.get(op);
        s.requests++;
        if (failed)
        {
            s.failures++;
        }
    }

    void recordBatch(final String op, final int items, final int failedItems)
    {
        final Batch b = batch.get(op);
        b.requests++;
        b.items += items;
        b.failedItems += failedItems;
        if (failedItems == items && items > 0)
        {
            b.failures++;
        }
        else if (failedItems > 0)
        {
            b.partialSuccesses++;
        }
    }

    /** Single-key RPCs by upstream op name. */
    public Map<String, Single> single()
    {
        return Collections.unmodifiableMap(single);
    }

    /** Batch RPCs by upstream op name (without the {@code batch_} prefix). */
    public Map<String, Batch> batch()
    {
        return Collections.unmodifiableMap(batch);
    }
}
