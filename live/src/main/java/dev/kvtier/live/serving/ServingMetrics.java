package dev.kvtier.live.serving;

import dev.kvtier.live.http.MetricList;
import dev.kvtier.model.engine.WorkerStats;
import dev.kvtier.model.hicache.PrefetchOutcome;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.io.IOException;
import java.util.Locale;

/**
 * A worker's {@code /metrics}: SGLang's {@code sglang:*} names for what a dashboard built for SGLang reads (running
 * and queued requests, prompt and generation tokens, cached tokens, storage prefetch and backup tokens), the
 * prefetch outcomes by terminal reason, and {@code kvtier_kv_mismatches_total}, pages read from L3 whose bytes were
 * not their key's. Built from a snapshot of the worker's counters taken on its own thread.
 *
 * @param stats         the worker's counters (a copy taken on its thread)
 * @param running       requests in the running batch
 * @param queued        requests waiting
 * @param promptTokens  prompt tokens of finished requests
 * @param outputTokens  output tokens of finished requests
 * @param cachedByTier  cached prompt tokens of finished requests: device, host, storage
 */
record ServingMetrics(WorkerStats stats, int running, int queued, long promptTokens, long outputTokens,
    long[] cachedByTier, long finished, long nodeErrors, int pageSize, double tokenUsage)
{
    String text() throws IOException
    {
        final MetricList out = new MetricList();
        out.gauge("sglang:num_running_reqs", "Requests in the running batch", running);
        out.gauge("sglang:num_queue_reqs", "Requests waiting to be scheduled", queued);
        out.gauge("sglang:token_usage", "Share of the device KV pool the radix tree holds", tokenUsage);
        out.counter("sglang:prompt_tokens", "Prompt tokens of finished requests", promptTokens);
        out.counter("sglang:generation_tokens", "Output tokens of finished requests", outputTokens);
        out.counter("sglang:num_requests", "Finished requests", finished);
        out.add(CounterSnapshot.builder().name("sglang:cached_tokens").help("Cached prompt tokens by tier")
            .dataPoint(point("device", cachedByTier[0])).dataPoint(point("host", cachedByTier[1]))
            .dataPoint(point("storage", cachedByTier[2])).build());
        out.counter("sglang:prefetched_tokens", "Tokens read from L3 into host memory",
            stats.prefetchPagesFetched * pageSize);
        out.counter("sglang:backuped_tokens", "Tokens written from host memory to L3",
            stats.backupPagesWritten * pageSize);
        final CounterSnapshot.Builder prefetch = CounterSnapshot.builder().name("kvtier_prefetch")
            .help("Prefetches by how they ended (timed_out: the timeout policy gave up waiting)");
        for (final PrefetchOutcome o : PrefetchOutcome.values())
        {
            prefetch.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("outcome", o.name().toLowerCase(Locale.ROOT)))
                .value(stats.prefetchOutcomes[o.ordinal()]).build());
        }
        out.add(prefetch.build());
        out.counter("kvtier_prefetch_wait_skips", "Scheduler passes that skipped a request waiting on its prefetch",
            stats.prefetchWaitSkips);
        out.counter("kvtier_backup_pages_deduplicated", "Backup pages the store already had",
            stats.backupPagesDeduplicated);
        out.counter("kvtier_backup_pages_failed", "Backup pages whose put failed", stats.backupPagesFailed);
        out.gauge("kvtier_backup_pages_pending", "Pages on their way to L3 now: host copies a backup follows, "
            + "backups queued or being written", stats.backupPagesPending);
        out.counter("kvtier_kv_mismatches", "Pages read from L3 whose bytes were not their key's",
            stats.kvMismatches);
        out.counter("kvtier_storage_bytes_read", "Bytes read from L3", stats.storeBytesRead);
        out.counter("kvtier_storage_bytes_written", "Bytes written to L3", stats.storeBytesWritten);
        out.counter("kvtier_device_evictions", "Device pages evicted", stats.deviceEvictions);
        out.counter("kvtier_host_evictions", "Host pages evicted", stats.hostEvictions);
        out.counter("kvtier_output_pages_cached", "Full pages finished requests cached after their prompt's",
            stats.outputPagesCached);
        out.add(CounterSnapshot.builder().name("kvtier_node_errors").help("Exceptions a node threw on an input")
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("node", "worker"))
                .value(nodeErrors).build()).build());
        return out.text();
    }

    static String contentType()
    {
        return MetricList.contentType();
    }

    private static CounterSnapshot.CounterDataPointSnapshot point(final String tier, final long v)
    {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("tier", tier)).value(v).build();
    }

}
