package dev.kvtier.sim.replay;

import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceOutcome;
import org.HdrHistogram.Histogram;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures a replay puts side by side, computed one way for a recording's outcomes and for a simulated run's
 * request records, so a difference between the columns is a difference between the runs and never between two
 * formulas. Each figure is computed as the serving report computes its namesake (HdrHistogram of microseconds,
 * served requests only, the same rounding), so replaying a simulator's own recording gives its report's numbers
 * and an error of 0.
 */
public final class ReplayMetrics
{
    /** Metric names, in report order. */
    public static final List<String> NAMES = List.of("hit_ratio_device", "hit_ratio_host", "hit_ratio_storage",
        "hit_ratio_total", "storage_hit_ratio", "prefetch_completed", "prefetch_partial", "prefetch_timed_out",
        "ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "requests_per_s", "output_tokens_per_s");

    private final Histogram ttft = histogram();
    private final Histogram itl = histogram();
    private long requests;
    private long input;
    private long output;
    private long device;
    private long host;
    private long storage;
    private long completed;
    private long partial;
    private long timedOut;
    private long first = Long.MAX_VALUE;
    private long last;

    private ReplayMetrics()
    {
    }

    /** The figures of a simulated run's request records. */
    public static Map<String, Double> of(final List<RequestRecord> records)
    {
        final ReplayMetrics m = new ReplayMetrics();
        for (final RequestRecord r : records)
        {
            m.add(r.aborted(), r.arrivalNs(), r.inputTokens(), r.outputTokens(), r.deviceHitTokens(),
                r.hostHitTokens(), r.storageHitTokens(), r.prefetchOutcome().key(), r.ttftNs(), r.itlNs(),
                r.e2eNs());
        }
        return m.values();
    }

    /**
     * The figures of recorded outcomes; {@code outcomes.get(i)} belongs to {@code arrivals.get(i)}, null where the
     * recording has none (left out). Output tokens are those the arrival asked for, at least one, as the simulator
     * replays them.
     */
    public static Map<String, Double> ofRecorded(final List<TraceArrival> arrivals, final List<TraceOutcome> outcomes)
    {
        final ReplayMetrics m = new ReplayMetrics();
        for (int i = 0; i < arrivals.size(); i++)
        {
            final TraceOutcome o = outcomes.get(i);
            if (o != null)
            {
                final TraceArrival a = arrivals.get(i);
                m.add(o.aborted(), a.timeNs(), a.promptTokens(), Math.max(1, a.outputTokens()), o.deviceTokens(),
                    o.hostTokens(), o.storageTokens(), o.prefetch(), o.ttftNs(), o.itlNs(), o.e2eNs());
            }
        }
        return m.values();
    }

    /**
     * The error of a simulated figure against the recorded one: for ratios the difference (simulated − recorded,
     * in ratio units, so 0.02 is 2 percentage points), for every other figure the relative difference (simulated −
     * recorded) / recorded; null when the recorded figure is absent, or 0 while the simulated one is not.
     */
    public static Double error(final String name, final Double recorded, final Double simulated)
    {
        if (recorded == null || simulated == null)
        {
            return null;
        }
        if (isRatio(name))
        {
            return round(simulated - recorded, 6);
        }
        if (recorded == 0)
        {
            return simulated == 0 ? 0.0 : null;
        }
        return round((simulated - recorded) / recorded, 6);
    }

    /** Whether the metric is a ratio (its error is absolute) rather than a count, latency or rate (relative). */
    public static boolean isRatio(final String name)
    {
        return name.contains("ratio");
    }

    private void add(final boolean aborted, final long arrivalNs, final int inputTokens, final int outputTokens,
        final int deviceTokens, final int hostTokens, final int storageTokens, final String prefetch,
        final long ttftNs, final long itlNs, final long e2eNs)
    {
        requests++;
        if (aborted)
        {
            return;
        }
        ttft.recordValue(Math.max(1, ttftNs / 1000));
        if (outputTokens > 1)
        {
            itl.recordValue(Math.max(1, itlNs / 1000));
        }
        input += inputTokens;
        output += outputTokens;
        device += deviceTokens;
        host += hostTokens;
        storage += storageTokens;
        switch (prefetch)
        {
            case "completed" -> completed++;
            case "partial" -> partial++;
            case "timed_out" -> timedOut++;
            default ->
            {
            }
        }
        first = Math.min(first, arrivalNs);
        last = Math.max(last, arrivalNs + e2eNs);
    }

    private Map<String, Double> values()
    {
        final Map<String, Double> v = new LinkedHashMap<>();
        v.put("hit_ratio_device", ratio(device, input));
        v.put("hit_ratio_host", ratio(host, input));
        v.put("hit_ratio_storage", ratio(storage, input));
        v.put("hit_ratio_total", ratio(device + host + storage, input));
        v.put("storage_hit_ratio", ratio(storage, input - device - host));
        v.put("prefetch_completed", (double)completed);
        v.put("prefetch_partial", (double)partial);
        v.put("prefetch_timed_out", (double)timedOut);
        v.put("ttft_p50_ms", percentile(ttft, 50));
        v.put("ttft_p99_ms", percentile(ttft, 99));
        v.put("itl_p50_ms", percentile(itl, 50));
        final double span = requests == 0 ? 0 : (last - first) / 1e9;
        v.put("requests_per_s", round(span > 0 ? requests / span : 0, 4));
        v.put("output_tokens_per_s", round(span > 0 ? output / span : 0, 1));
        return v;
    }

    private static Histogram histogram()
    {
        return new Histogram(3_600_000_000_000L, 3);
    }

    private static double percentile(final Histogram h, final double p)
    {
        return round(h.getValueAtPercentile(p) / 1000.0, 3);
    }

    private static double ratio(final long a, final long b)
    {
        return round(b <= 0 ? 0 : (double)a / b, 6);
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
