package dev.kvtier.live.master;

import dev.kvtier.live.http.MetricList;
import dev.kvtier.model.store.MasterCounters;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.MasterRpcCounters;
import dev.kvtier.model.store.MasterService;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.Map;

/**
 * The master's state as Prometheus metric snapshots under upstream's metric names (counters appear with the
 * {@code _total} suffix, as upstream exports them). Built on the master's own thread from the node's counters,
 * then written by the Prometheus client's text-format writer on the HTTP thread.
 */
public final class MasterMetrics
{
    private MasterMetrics()
    {
    }

    /**
     * The master's metrics plus {@code kvtier_node_errors_total{node="<name>"}}: exceptions the hosting runner
     * caught from the node (each also handed to the runtime's error handler). Call on the master node's thread.
     */
    public static MetricSnapshots snapshot(final MasterNode node, final String nodeName, final long nodeErrors)
    {
        final MetricList out = new MetricList().addAll(snapshot(node));
        out.add(CounterSnapshot.builder().name("kvtier_node_errors").help("Exceptions a node threw on an input")
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("node", nodeName))
                .value(nodeErrors).build()).build());
        return out.snapshots();
    }

    /** Call on the master node's thread. */
    public static MetricSnapshots snapshot(final MasterNode node)
    {
        final MasterService s = node.service();
        final MasterCounters c = s.counters();
        final MetricList out = new MetricList();
        out.gauge("master_allocated_bytes", "Bytes allocated in mounted segments", s.allocatedBytes());
        out.gauge("master_total_capacity_bytes", "Bytes of all mounted segments", s.capacityBytes());
        out.gauge("master_key_count", "Objects in the store", s.keyCount());
        out.gauge("master_active_clients", "Clients in the OK set", s.liveClients());
        out.gauge("master_segment_count", "Mounted segments", s.segmentCount());
        out.gauge("master_evicted_key_count", "Objects evicted", c.evictedKeys());
        out.gauge("master_evicted_size_bytes", "Bytes evicted", c.evictedBytes());
        out.gauge("mem_cache_hit_nums_", "GetReplicaList hits on memory replicas", c.memCacheHits());
        out.gauge("total_get_nums_", "GetReplicaList calls", c.getReplicaList());
        out.gauge("master_put_start_discard_cnt", "Unfinished puts discarded after the discard timeout",
            c.putStartDiscarded());
        out.gauge("master_put_start_release_cnt", "Unfinished puts released after the release timeout",
            c.putStartReleased());
        out.counter("master_attempted_evictions", "Eviction passes attempted", c.evictionAttempts());
        out.counter("master_successful_evictions", "Eviction passes that freed space", c.evictionSuccesses());
        out.counter("master_put_start_alloc_failures", "PutStart allocation failures", c.putStartAllocFailures());
        final MasterRpcCounters rpc = node.rpcCounters();
        for (final Map.Entry<String, MasterRpcCounters.Single> e : rpc.single().entrySet())
        {
            out.counter("master_" + e.getKey() + "_requests", "Requests of " + e.getKey(), e.getValue().requests());
            out.counter("master_" + e.getKey() + "_failures", "Failures of " + e.getKey(), e.getValue().failures());
        }
        for (final Map.Entry<String, MasterRpcCounters.Batch> e : rpc.batch().entrySet())
        {
            final String p = "master_batch_" + e.getKey();
            final MasterRpcCounters.Batch b = e.getValue();
            out.counter(p + "_requests", "Batch calls of " + e.getKey(), b.requests());
            out.counter(p + "_failures", "Batch calls of " + e.getKey() + " where every item failed", b.failures());
            out.counter(p + "_partial_successes", "Batch calls of " + e.getKey() + " where some items failed",
                b.partialSuccesses());
            out.counter(p + "_items", "Items in batch calls of " + e.getKey(), b.items());
            out.counter(p + "_failed_items", "Failed items in batch calls of " + e.getKey(), b.failedItems());
        }
        return out.snapshots();
    }

    /**
     * The one-line summary upstream logs every 10 s and serves at {@code /metrics/summary}: storage use, keys,
     * clients, request counts, eviction and discard figures. Call on the master node's thread.
     */
    public static String summary(final MasterNode node)
    {
        final MasterService s = node.service();
        final MasterCounters c = s.counters();
        final long used = s.allocatedBytes();
        final long total = s.capacityBytes();
        return String.format(java.util.Locale.ROOT,
            "Mem Storage: %s / %s (%.1f%%) | Keys: %d | Clients: %d | Requests (total): PutStart=%d, Get=%d, "
                + "Exist=%d, Ping=%d | Eviction: Success/Attempts=%d/%d, AllocFail=%d, keys=%d, size=%s | "
                + "Discard: Released/Total=%d/%d",
            mib(used), mib(total), total == 0 ? 0.0 : 100.0 * used / total, s.keyCount(), s.liveClients(),
            c.putStart(), c.getReplicaList(), c.existKey(), node.rpcCounters().single().get("ping").requests(),
            c.evictionSuccesses(), c.evictionAttempts(), c.putStartAllocFailures(), c.evictedKeys(),
            mib(c.evictedBytes()), c.putStartReleased(), c.putStartDiscarded());
    }

    private static String mib(final long bytes)
    {
        return String.format(java.util.Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

}
