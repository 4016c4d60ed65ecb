package dev.kvtier.sim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.engine.WorkerStats;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.serving.ServingResult;
import org.HdrHistogram.Histogram;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * The report of a serving run as JSON (keys documented in the README) and per-request CSV. Everything except the
 * {@code performance} object is a function of trace, cluster config and seed, so two runs differ only there;
 * {@link #json(boolean)} can leave it out for byte-identical files.
 */
public final class ServingReport
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final double[] PERCENTILES = {50, 90, 99};

    private final String traceName;
    private final String variant;
    private final ServingResult result;
    private final double ttftSloMs;
    private final double itlSloMs;

    public ServingReport(final String traceName, final String variant, final ServingResult result,
        final double ttftSloMs, final double itlSloMs)
    {
        requireSlo(ttftSloMs, itlSloMs);
        this.traceName = traceName;
        this.variant = variant;
        this.result = result;
        this.ttftSloMs = ttftSloMs;
        this.itlSloMs = itlSloMs;
    }

    /** The SLO limits a report counts attainment against: positive, finite milliseconds. */
    public static void requireSlo(final double ttftSloMs, final double itlSloMs)
    {
        if (!(ttftSloMs > 0 && ttftSloMs < Double.POSITIVE_INFINITY))
        {
            throw new IllegalArgumentException("--ttft-slo-ms: must be a number of milliseconds > 0, got " + ttftSloMs);
        }
        if (!(itlSloMs > 0 && itlSloMs < Double.POSITIVE_INFINITY))
        {
            throw new IllegalArgumentException("--itl-slo-ms: must be a number of milliseconds > 0, got " + itlSloMs);
        }
    }

    public ServingResult result()
    {
        return result;
    }

    public String variant()
    {
        return variant;
    }

    public String json(final boolean withPerformance)
    {
        try
        {
            return JSON.writeValueAsString(tree(withPerformance)) + "\n";
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException(e);
        }
    }

    public ObjectNode tree(final boolean withPerformance)
    {
        final ClusterPlan plan = result.plan();
        final List<RequestRecord> recs = result.records();
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "serving");
        root.put("variant", variant);
        root.put("trace", traceName);
        root.put("seed", result.options().seed());
        root.put("rate_scale", result.options().rateScale());
        root.put("spread_arrivals", result.options().spreadArrivals());
        cluster(root.putObject("cluster"), plan);
        root.put("model", plan.model().name());

        root.put("requests", result.requests());
        root.put("finished", recs.size());
        final Histogram ttft = histogram();
        final Histogram itl = histogram();
        final Histogram e2e = histogram();
        final Histogram wait = histogram();
        long input = 0;
        long output = 0;
        long device = 0;
        long host = 0;
        long storage = 0;
        long sloMet = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        final long[] outcomes = new long[PrefetchOutcome.values().length];
        long aborted = 0;
        for (final RequestRecord r : recs)
        {
            if (r.aborted())
            {
                aborted++;
                continue;
            }
            ttft.recordValue(Math.max(1, r.ttftNs() / 1000));
            e2e.recordValue(Math.max(1, r.e2eNs() / 1000));
            if (r.outputTokens() > 1)
            {
                itl.recordValue(Math.max(1, r.itlNs() / 1000));
            }
            wait.recordValue(Math.max(0, r.prefetchWaitNs() / 1000));
            input += r.inputTokens();
            output += r.outputTokens();
            device += r.deviceHitTokens();
            host += r.hostHitTokens();
            storage += r.storageHitTokens();
            outcomes[r.prefetchOutcome().ordinal()]++;
            if (r.ttftNs() / 1e6 <= ttftSloMs && r.itlNs() / 1e6 <= itlSloMs)
            {
                sloMet++;
            }
            first = Math.min(first, r.arrivalNs());
            last = Math.max(last, r.finishNs());
        }
        root.put("aborted", aborted);
        root.set("ttft_ms", percentiles(ttft));
        root.set("itl_ms", percentiles(itl));
        final Histogram tokenItl = histogram();
        for (final WorkerStats w : result.workers())
        {
            tokenItl.add(w.tokenItlUs);
        }
        root.set("token_itl_ms", percentiles(tokenItl));
        root.set("e2e_ms", percentiles(e2e));
        final ObjectNode slo = root.putObject("slo");
        slo.put("ttft_ms", ttftSloMs);
        slo.put("itl_ms", itlSloMs);
        slo.put("attainment", round(recs.isEmpty() ? 0 : (double)sloMet / recs.size(), 6));
        final double span = recs.isEmpty() ? 0 : (last - first) / 1e9;
        final ObjectNode tput = root.putObject("throughput");
        tput.put("duration_s", round(span, 3));
        tput.put("requests_per_s", round(span > 0 ? recs.size() / span : 0, 4));
        tput.put("input_tokens_per_s", round(span > 0 ? input / span : 0, 1));
        tput.put("output_tokens_per_s", round(span > 0 ? output / span : 0, 1));

        hits(root.putObject("hits"), input, device, host, storage);

        final WorkerStats sum = sum(result.workers());
        final ObjectNode prefetch = root.putObject("prefetch");
        prefetch.put("policy", plan.cache().prefetchPolicy().cliName());
        for (final PrefetchOutcome o : PrefetchOutcome.values())
        {
            prefetch.put(o.key(), outcomes[o.ordinal()]);
        }
        prefetch.put("rate_limited", sum.prefetchRateLimited);
        prefetch.put("host_alloc_failures", sum.prefetchHostAllocFailures);
        prefetch.put("pages_fetched", sum.prefetchPagesFetched);
        prefetch.set("wait_ms", percentiles(wait));
        prefetch.put("requests_delayed", recs.stream().filter(r -> r.prefetchWaitNs() > 0).count());

        cacheAndBytes(root, plan, sum);
        storeAndRouter(root, plan);
        instancesAndRun(root, withPerformance);
        return root;
    }

    private static void cluster(final ObjectNode cluster, final ClusterPlan plan)
    {
        cluster.put("instances", plan.instances());
        cluster.put("prefill_instances", plan.prefillInstances());
        cluster.put("disaggregated", plan.disaggregated());
        cluster.put("kv_bytes_per_token", plan.cost().kvBytes(1));
        cluster.put("device_pages_per_instance", plan.cache().devicePages());
        cluster.put("host_pages_per_instance", plan.cache().hostPages());
        cluster.put("store_segment_bytes_per_instance", plan.segmentBytes());
        cluster.put("nic_bytes_per_s_per_instance", round(plan.nicBytesPerNs() * 1e9, 0));
        cluster.set("config", ClusterLoader.toTree(plan.config()));
    }

    private void hits(final ObjectNode hits, final long input, final long device, final long host,
        final long storage)
    {
        hits.put("input_tokens", input);
        hits.put("device_tokens", device);
        hits.put("host_tokens", host);
        hits.put("storage_tokens", storage);
        hits.put("computed_tokens", input - device - host - storage);
        hits.put("device_ratio", ratio(device, input));
        hits.put("host_ratio", ratio(host, input));
        hits.put("storage_ratio", ratio(storage, input));
        hits.put("total_ratio", ratio(device + host + storage, input));
        hits.put("ideal_ratio", round(result.idealHitRatio(), 6));
    }

    private void cacheAndBytes(final ObjectNode root, final ClusterPlan plan, final WorkerStats sum)
    {
        final ObjectNode cache = root.putObject("cache");
        cache.put("write_policy", plan.cache().writePolicy().cliName());
        cache.put("page_size", plan.cache().pageSize());
        cache.put("device_evictions", sum.deviceEvictions);
        cache.put("host_evictions", sum.hostEvictions);
        cache.put("write_back_pages", sum.writeBackPages);
        cache.put("backup_pages_written", sum.backupPagesWritten);
        cache.put("backup_pages_deduplicated", sum.backupPagesDeduplicated);
        cache.put("backup_pages_failed", sum.backupPagesFailed);
        cache.put("decode_offload_pages", sum.offloadPages);

        final long tokenBytes = plan.cost().kvBytes(1);
        final ObjectNode bytes = root.putObject("bytes");
        bytes.put("h2d", sum.loadBackTokens * tokenBytes);
        bytes.put("d2h", sum.d2hTokens * tokenBytes);
        bytes.put("l3_read", sum.storeBytesRead);
        bytes.put("l3_write", sum.storeBytesWritten);
        bytes.put("pd_handoff", sum.handoffBytes);
        bytes.put("network", (long)result.networkBytes());
    }

    private void storeAndRouter(final ObjectNode root, final ClusterPlan plan)
    {
        final ObjectNode store = root.putObject("store");
        if (result.master() != null)
        {
            store.put("keys", result.storeKeys());
            store.put("allocated_bytes", result.storeBytes());
            store.put("put_starts", result.master().putStart());
            store.put("evicted_keys", result.master().evictedKeys());
            store.put("eviction_passes", result.master().evictionSuccesses());
            store.put("eviction_attempts", result.master().evictionAttempts());
            store.put("alloc_failures", result.master().putStartAllocFailures());
        }

        final ObjectNode router = root.putObject("router");
        router.put("policy", plan.routing().cliName());
        router.put("cache_aware_prefix_hits", result.cacheAwareHits());
        router.put("cache_aware_balanced", result.cacheAwareBalanced());
    }

    private void instancesAndRun(final ObjectNode root, final boolean withPerformance)
    {
        final double simSeconds = result.simulatedNs() / 1e9;
        final ArrayNode instances = root.putArray("instances");
        for (int i = 0; i < result.workers().size(); i++)
        {
            final WorkerStats w = result.workers().get(i);
            final ObjectNode o = instances.addObject();
            o.put("index", i);
            o.put("requests", w.requestsQueued);
            o.put("prefill_busy", round(simSeconds > 0 ? w.prefillBusyNs / 1e9 / simSeconds : 0, 4));
            o.put("decode_busy", round(simSeconds > 0 ? w.decodeBusyNs / 1e9 / simSeconds : 0, 4));
            o.put("prefill_tokens", w.prefillTokens);
            o.put("decode_tokens", w.decodeTokens);
        }
        final ObjectNode sim = root.putObject("sim");
        sim.put("events", result.events());
        sim.put("simulated_s", round(simSeconds, 3));
        final WorkerStats sum = sum(result.workers());
        sim.put("admission_stalls", sum.admissionStalls);
        sim.put("admission_retries_skipped", sum.admissionRetriesSkipped);
        if (withPerformance)
        {
            final ObjectNode perf = root.putObject("performance");
            perf.put("setup_wall_s", round(result.setupWallNs() / 1e9, 3));
            perf.put("run_wall_s", round(result.runWallNs() / 1e9, 3));
            perf.put("real_time_factor", round(result.realTimeFactor(), 1));
            perf.put("events_per_s", round(result.runWallNs() > 0 ? result.events() / (result.runWallNs() / 1e9) : 0,
                0));
            perf.put("run_cpu_s", round(result.runCpuNs() / 1e9, 3));
        }
    }

    /** One CSV row per finished request. */
    public String csv()
    {
        final StringBuilder sb = new StringBuilder(
            "id,prefill_instance,decode_instance,arrival_ms,ttft_ms,itl_ms,e2e_ms,input_tokens,output_tokens,"
                + "device_hit_tokens,host_hit_tokens,storage_hit_tokens,prefetch,prefetch_wait_ms,aborted\n");
        for (final RequestRecord r : result.records())
        {
            sb.append(r.id()).append(',').append(r.prefillInstance()).append(',').append(r.decodeInstance())
                .append(',').append(ms(r.arrivalNs())).append(',').append(ms(r.ttftNs())).append(',')
                .append(ms(r.itlNs())).append(',').append(ms(r.e2eNs())).append(',').append(r.inputTokens())
                .append(',').append(r.outputTokens()).append(',').append(r.deviceHitTokens()).append(',')
                .append(r.hostHitTokens()).append(',').append(r.storageHitTokens()).append(',')
                .append(r.prefetchOutcome().key()).append(',').append(ms(r.prefetchWaitNs())).append(',')
                .append(r.aborted()).append('\n');
        }
        return sb.toString();
    }

    private static String ms(final long ns)
    {
        return String.format(Locale.ROOT, "%.3f", ns / 1e6);
    }

    private static WorkerStats sum(final List<WorkerStats> all)
    {
        final WorkerStats s = new WorkerStats();
        for (final WorkerStats w : all)
        {
            s.deviceEvictions += w.deviceEvictions;
            s.hostEvictions += w.hostEvictions;
            s.writeBackPages += w.writeBackPages;
            s.backupPagesWritten += w.backupPagesWritten;
            s.backupPagesDeduplicated += w.backupPagesDeduplicated;
            s.backupPagesFailed += w.backupPagesFailed;
            s.offloadPages += w.offloadPages;
            s.loadBackTokens += w.loadBackTokens;
            s.d2hTokens += w.d2hTokens;
            s.storeBytesRead += w.storeBytesRead;
            s.storeBytesWritten += w.storeBytesWritten;
            s.handoffBytes += w.handoffBytes;
            s.prefetchRateLimited += w.prefetchRateLimited;
            s.prefetchHostAllocFailures += w.prefetchHostAllocFailures;
            s.prefetchPagesFetched += w.prefetchPagesFetched;
            s.admissionStalls += w.admissionStalls;
            s.admissionRetriesSkipped += w.admissionRetriesSkipped;
        }
        return s;
    }

    private static Histogram histogram()
    {
        return new Histogram(3_600_000_000_000L, 3);
    }

    private static ObjectNode percentiles(final Histogram h)
    {
        final ObjectNode o = JSON.createObjectNode();
        o.put("count", h.getTotalCount());
        o.put("mean", round(h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0, 3));
        for (final double p : PERCENTILES)
        {
            o.put("p" + (int)p, round(h.getValueAtPercentile(p) / 1000.0, 3));
        }
        o.put("max", round(h.getMaxValue() / 1000.0, 3));
        return o;
    }

    private static double ratio(final long a, final long b)
    {
        return round(b == 0 ? 0 : (double)a / b, 6);
    }

    private static double round(final double v, final int decimals)
    {
        if (Double.isNaN(v) || Double.isInfinite(v))
        {
            return 0;
        }
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    }
}
