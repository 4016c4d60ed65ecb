package dev.kvtier.live.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * {@code kvtier bench-serving}: drives a router or worker that speaks SGLang's HTTP API with a {@link LoadSource}'s
 * requests, at most {@code maxParallel} in flight, on the JDK's asynchronous HTTP client (no client library: one
 * POST and one streamed body per request is all it needs). One sender thread waits for each attempt's due time and
 * a free slot; answers are recorded on the client's threads as they complete. The worker's counters are read from
 * {@code /metrics} before and after; that first read is also the check that the URL answers at all. Given several
 * URLs, requests go to them in turn in the order they are sent (the simulator's {@code round_robin} router, with
 * no reordering of requests due at the same time), and the counters are summed over them.
 */
public final class ServingBench
{
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How to drive the server.
     *
     * @param urls        the router's or workers' base URLs; several are used in turn, request by request
     * @param maxParallel requests in flight at most
     * @param stream      ask for SSE streaming (TTFT and ITL) rather than one JSON answer (TTFT is then E2E)
     * @param flushCache  {@code POST /flush_cache} before the run (to every URL)
     */
    public record Options(List<URI> urls, int maxParallel, boolean stream, boolean flushCache)
    {
        public Options
        {
            if (maxParallel < 1)
            {
                throw new IllegalArgumentException("--max-parallel must be >= 1, got " + maxParallel);
            }
            if (urls.isEmpty())
            {
                throw new IllegalArgumentException("--url: give at least one");
            }
            for (final URI url : urls)
            {
                final String scheme = url.getScheme();
                if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null
                    || url.getPort() > 65535)
                {
                    throw new IllegalArgumentException("--url must be http://HOST:PORT or https://HOST:PORT (a port "
                        + "in 1..65535), got " + url);
                }
            }
            urls = List.copyOf(urls);
        }

        public Options(final URI url, final int maxParallel, final boolean stream, final boolean flushCache)
        {
            this(List.of(url), maxParallel, stream, flushCache);
        }

        URI endpoint(final int index, final String path)
        {
            final String base = urls.get(index).toString();
            return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        }
    }

    private ServingBench()
    {
    }

    /**
     * Runs {@code source} to its end against {@code options.urls()}.
     *
     * @param progress told of every planned request as it completes or is dropped
     * @throws ServerUnreachableException when the URL does not answer before the run (nothing was sent)
     */
    public static ServingBenchReport run(final Options options, final LoadSource source, final LongConsumer progress)
        throws IOException, InterruptedException
    {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();
        final WorkerCounters before = reach(http, options);
        final int n = options.urls().size();
        final List<URI> generate = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            if (options.flushCache())
            {
                flush(http, options.endpoint(i, "/flush_cache"));
            }
            generate.add(options.endpoint(i, "/generate"));
        }
        GenerateCall.prepare();
        final ServingBenchReport report = new ServingBenchReport();
        long sent = 0;
        final Semaphore slots = new Semaphore(options.maxParallel());
        final Phaser inFlight = new Phaser(1);
        final Object wake = new Object();
        final long start = System.nanoTime();
        long due = -1;
        while ((due = source.nextDueNs(due)) >= 0 && waitUntil(wake, source, start + due))
        {
            slots.acquire();
            final BenchRequest request = source.poll();
            if (request == null)
            {
                slots.release();
                continue;
            }
            final long sendNs = System.nanoTime() - start;
            inFlight.register();
            final URI to = generate.get((int)(sent++ % n));
            GenerateCall.send(http, to, request, options.stream()).whenComplete((outcome, failure) ->
            {
                try
                {
                    final long endNs = System.nanoTime() - start;
                    final GenerateOutcome o = outcome != null ? outcome
                        : GenerateOutcome.failed(endNs - sendNs, GenerateCall.oneLine(String.valueOf(failure)));
                    report.add(request, sendNs, o, endNs);
                    progress.accept(1 + source.completed(request, o));
                }
                finally
                {
                    slots.release();
                    inFlight.arriveAndDeregister();
                    synchronized (wake)
                    {
                        wake.notifyAll();
                    }
                }
            });
        }
        inFlight.arriveAndAwaitAdvance();
        report.counters(after(http, options).since(before));
        return report;
    }

    private static WorkerCounters reach(final HttpClient http, final Options options)
        throws IOException, InterruptedException
    {
        WorkerCounters sum = null;
        for (int i = 0; i < options.urls().size(); i++)
        {
            try
            {
                final WorkerCounters c = WorkerCounters.scrape(http, options.endpoint(i, "/metrics"));
                sum = sum == null ? c : sum.plus(c);
            }
            catch (final ConnectException | HttpConnectTimeoutException e)
            {
                throw new ServerUnreachableException("cannot reach " + options.urls().get(i) + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); start the router or worker first, or give its address with --url", e);
            }
        }
        return sum;
    }

    private static WorkerCounters after(final HttpClient http, final Options options) throws InterruptedException
    {
        WorkerCounters sum = null;
        for (int i = 0; i < options.urls().size(); i++)
        {
            WorkerCounters c;
            try
            {
                c = WorkerCounters.scrape(http, options.endpoint(i, "/metrics"));
            }
            catch (final IOException e)
            {
                c = WorkerCounters.ABSENT; // the server went away during the run; the errors already say so
            }
            sum = sum == null ? c : sum.plus(c);
        }
        return sum;
    }

    private static void flush(final HttpClient http, final URI flush) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(flush).timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
        {
            throw new IOException("POST " + flush + " answered HTTP " + r.statusCode() + "; leave --flush-cache out "
                + "if the server does not flush");
        }
    }

    /** Waits until {@code deadlineNs}; false if the source ran out first (nothing more will be sent). */
    private static boolean waitUntil(final Object wake, final LoadSource source, final long deadlineNs)
        throws InterruptedException
    {
        synchronized (wake)
        {
            while (!source.exhausted())
            {
                final long left = deadlineNs - System.nanoTime();
                if (left <= 0)
                {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(wake, left);
            }
            return false;
        }
    }
}
