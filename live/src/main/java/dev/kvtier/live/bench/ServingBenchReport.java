package dev.kvtier.live.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a serving benchmark measured: latency percentiles (HdrHistogram, microsecond resolution, three significant
 * digits) over the requests that succeeded, throughput over the run's wall time (first send to last answer), cached
 * prompt tokens by tier as fractions of all prompt tokens, and the worker counters' change over the run. Failed
 * requests count as requests and errors and add nothing else. Thread-safe: answers arrive on the HTTP client's
 * threads.
 */
public final class ServingBenchReport
{
    private static final double US_PER_MS = 1000.0;
    private static final String CSV_HEADER = "id,client,round,trace_index,send_ms,ttft_ms,e2e_ms,prompt_tokens,"
        + "completion_tokens,cached_tokens,cached_device,cached_host,cached_storage,error\n";

    /** One request as the per-request CSV lists it. */
    public record Row(BenchRequest request, long sendNs, GenerateOutcome outcome)
    {
    }

    private final Histogram ttft = new Histogram(3);
    private final Histogram itl = new Histogram(3);
    private final Histogram e2e = new Histogram(3);
    private final List<Row> rows = new ArrayList<>();
    private long errors;
    private long promptTokens;
    private long completionTokens;
    private long cached;
    private long device;
    private long host;
    private long storage;
    private long reportedMismatches;
    /** Prefetches completed, partial and timed out, as the answers' {@code meta_info.prefetch} said. */
    private final long[] reportedPrefetch = new long[3];
    private long lastEndNs;
    private WorkerCounters counters = WorkerCounters.ABSENT;

    /** Records one request sent {@code sendNs} after the start that ended {@code endNs} after it. */
    synchronized void add(final BenchRequest request, final long sendNs, final GenerateOutcome outcome,
        final long endNs)
    {
        rows.add(new Row(request, sendNs, outcome));
        lastEndNs = Math.max(lastEndNs, endNs);
        if (!outcome.ok())
        {
            errors++;
            return;
        }
        ttft.recordValue(micros(outcome.ttftNs()));
        e2e.recordValue(micros(outcome.e2eNs()));
        for (final long gap : outcome.itlNs())
        {
            itl.recordValue(micros(gap));
        }
        promptTokens += outcome.promptTokens() > 0 ? outcome.promptTokens() : request.inputIds().length;
        completionTokens += outcome.completionTokens();
        cached += outcome.cachedTokens();
        device += outcome.cachedDevice();
        host += outcome.cachedHost();
        storage += outcome.cachedStorage();
        reportedMismatches += outcome.kvMismatches();
        switch (outcome.prefetch())
        {
            case "completed" -> reportedPrefetch[0]++;
            case "partial" -> reportedPrefetch[1]++;
            case "timed_out" -> reportedPrefetch[2]++;
            default ->
            {
                // none or revoked: no prefetch outcome to count
            }
        }
    }

    /** The worker counters' change over the run. */
    synchronized void counters(final WorkerCounters delta)
    {
        this.counters = delta;
    }

    public synchronized long requests()
    {
        return rows.size();
    }

    public synchronized long errors()
    {
        return errors;
    }

    /** From the worker's {@code /metrics} when it exports the counter, else as the responses reported them. */
    public synchronized long kvMismatches()
    {
        return counters.present() ? counters.kvMismatches() : reportedMismatches;
    }

    /** TTFT of every successful request in seconds, for a CDF. */
    public synchronized double[] ttftSeconds()
    {
        return rows.stream().filter(r -> r.outcome().ok()).mapToDouble(r -> r.outcome().ttftNs() / 1e9).toArray();
    }

    /** The JSON report. */
    public synchronized ObjectNode toJson()
    {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        final long ok = rows.size() - errors;
        root.put("requests", rows.size()).put("errors", errors).put("kv_mismatches", kvMismatches());
        latency(root.putObject("ttft_ms"), ttft);
        latency(root.putObject("itl_ms"), itl);
        latency(root.putObject("e2e_ms"), e2e);
        final double wallS = lastEndNs / 1e9;
        root.putObject("throughput").put("requests_per_s", wallS > 0 ? ok / wallS : 0)
            .put("output_tokens_per_s", wallS > 0 ? completionTokens / wallS : 0);
        root.put("cached_tokens_ratio", share(cached));
        root.putObject("cached_tokens_by_tier").put("device", share(device)).put("host", share(host))
            .put("storage", share(storage));
        // the workers' counters when the benchmark talks to workers; through a router, the answers' own outcomes
        root.putObject("prefetch")
            .put("completed", counters.present() ? counters.completed() : reportedPrefetch[0])
            .put("partial", counters.present() ? counters.partial() : reportedPrefetch[1])
            .put("timed_out", counters.present() ? counters.timedOut() : reportedPrefetch[2]);
        return root;
    }

    /** One line per request in send order. */
    public synchronized void writeCsv(final Writer out) throws IOException
    {
        out.write(CSV_HEADER);
        final List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt(r -> r.request().index()));
        for (final Row r : sorted)
        {
            final BenchRequest q = r.request();
            final GenerateOutcome o = r.outcome();
            out.write(String.format(Locale.ROOT, "%d,%s,%s,%s,%.3f,%s,%.3f,%d,%d,%d,%d,%d,%d,%s%n", q.index(),
                optional(q.client()), optional(q.round()), optional(q.traceIndex()), r.sendNs() / 1e6,
                o.ok() ? String.format(Locale.ROOT, "%.3f", o.ttftNs() / 1e6) : "", o.e2eNs() / 1e6,
                o.ok() && o.promptTokens() > 0 ? o.promptTokens() : q.inputIds().length, o.completionTokens(),
                o.cachedTokens(), o.cachedDevice(), o.cachedHost(), o.cachedStorage(), quoted(o.error())));
        }
    }

    private double share(final long tokens)
    {
        return promptTokens == 0 ? 0 : (double)tokens / promptTokens;
    }

    private static void latency(final ObjectNode node, final Histogram h)
    {
        final boolean empty = h.getTotalCount() == 0;
        node.put("p50", empty ? 0 : h.getValueAtPercentile(50) / US_PER_MS)
            .put("p90", empty ? 0 : h.getValueAtPercentile(90) / US_PER_MS)
            .put("p99", empty ? 0 : h.getValueAtPercentile(99) / US_PER_MS)
            .put("mean", empty ? 0 : h.getMean() / US_PER_MS);
    }

    private static long micros(final long ns)
    {
        return Math.max(0, ns / 1000);
    }

    private static String optional(final int value)
    {
        return value < 0 ? "" : Integer.toString(value);
    }

    private static String quoted(final String error)
    {
        return error == null ? "" : '"' + error.replace("\"", "\"\"") + '"';
    }
}
