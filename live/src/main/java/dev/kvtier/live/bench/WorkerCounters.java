package dev.kvtier.live.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The counters bench-serving reads from a worker's Prometheus {@code /metrics}, summed over every label but the
 * outcome: KV pages that failed byte verification ({@value #KV_MISMATCHES}) and prefetches by how they ended
 * ({@value #PREFETCH}{@code {outcome="completed"|"partial"|"timed_out"}}, the model's
 * {@code PrefetchOutcome} keys), the names {@code kvtier server} exports. A run reports the difference between a
 * snapshot before and one after. A URL without these counters (a router, or a worker without the kvtier metrics)
 * gives an absent snapshot.
 *
 * @param present     whether the endpoint exported {@value #KV_MISMATCHES}
 * @param kvMismatches {@value #KV_MISMATCHES}
 * @param completed   prefetches that brought every L3-hit page
 * @param partial     prefetches cut short by {@code best_effort}
 * @param timedOut    prefetches cut short by the {@code timeout} policy
 */
record WorkerCounters(boolean present, long kvMismatches, long completed, long partial, long timedOut)
{
    static final String KV_MISMATCHES = "kvtier_kv_mismatches_total";
    static final String PREFETCH = "kvtier_prefetch_total";

    static final WorkerCounters ABSENT = new WorkerCounters(false, 0, 0, 0, 0);

    private static final Pattern OUTCOME = Pattern.compile("(?:^|,)\\s*outcome=\"([^\"]*)\"");

    /**
     * GETs {@code metrics}; any HTTP answer counts as reached (a status other than 200 is an absent snapshot).
     *
     * @throws IOException when the endpoint cannot be reached at all
     */
    static WorkerCounters scrape(final HttpClient http, final URI metrics) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? parse(response.body()) : ABSENT;
    }

    /** Reads the counters out of Prometheus text exposition. */
    static WorkerCounters parse(final String text)
    {
        boolean present = false;
        double mismatches = 0;
        double completed = 0;
        double partial = 0;
        double timedOut = 0;
        for (final String raw : text.split("\n"))
        {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int brace = line.indexOf('{');
            final int space = line.indexOf(' ');
            final int nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
            if (nameEnd <= 0)
            {
                continue;
            }
            final String name = line.substring(0, nameEnd);
            final int close = brace == nameEnd ? line.indexOf('}', brace) : -1;
            final String labels = close > 0 ? line.substring(brace + 1, close) : "";
            final double value = value(line.substring(close > 0 ? close + 1 : nameEnd).strip());
            if (name.equals(KV_MISMATCHES))
            {
                present = true;
                mismatches += value;
            }
            else if (name.equals(PREFETCH))
            {
                final Matcher m = OUTCOME.matcher(labels);
                final String outcome = m.find() ? m.group(1) : "";
                switch (outcome)
                {
                    case "completed" -> completed += value;
                    case "partial" -> partial += value;
                    case "timed_out" -> timedOut += value;
                    default ->
                    {
                        // other outcomes (none, revoked) are not reported
                    }
                }
            }
        }
        return new WorkerCounters(present, (long)mismatches, (long)completed, (long)partial, (long)timedOut);
    }

    /** This snapshot minus an earlier one; present only if both are. */
    WorkerCounters since(final WorkerCounters before)
    {
        return new WorkerCounters(present && before.present, kvMismatches - before.kvMismatches,
            completed - before.completed, partial - before.partial, timedOut - before.timedOut);
    }

    /** The sum of two endpoints' snapshots (several workers driven in turn); present only if both are. */
    WorkerCounters plus(final WorkerCounters other)
    {
        return new WorkerCounters(present && other.present, kvMismatches + other.kvMismatches,
            completed + other.completed, partial + other.partial, timedOut + other.timedOut);
    }

    private static double value(final String rest)
    {
        final int end = rest.indexOf(' ');
        try
        {
            return Double.parseDouble(end < 0 ? rest : rest.substring(0, end));
        }
        catch (final NumberFormatException e)
        {
            return 0;
        }
    }
}
