package dev.kvtier.live.router;

import dev.kvtier.live.config.ListenPorts;
import dev.kvtier.model.routing.RouterConfig;
import dev.kvtier.model.routing.RoutingPolicy;

import java.net.URI;
import java.util.List;

/**
 * {@code kvtier router}'s settings, named as sgl-router's launcher names them, with its Python CLI defaults for the
 * cache-aware knobs and its retry schedule (5 retries, 50 ms doubling by 1.5 up to 30 s).
 *
 * @param pageSize        tokens per page of the cache-aware trees (the workers' {@code --page-size})
 * @param healthCheckMs   how often each worker's {@code /health} is polled
 */
public record RouterSettings(List<String> workerUrls, RoutingPolicy policy, double cacheThreshold,
    int balanceAbsThreshold, double balanceRelThreshold, long evictionIntervalSecs, long maxTreeSize, String host,
    int port, String prometheusHost, int prometheusPort, int pageSize, long requestTimeoutSecs, int maxRetries,
    long healthCheckMs)
{
    public RouterSettings
    {
        if (workerUrls.isEmpty())
        {
            throw new IllegalArgumentException("--worker-urls: give at least one worker, e.g. http://127.0.0.1:30000");
        }
        for (final String u : workerUrls)
        {
            if (!u.startsWith("http://"))
            {
                throw new IllegalArgumentException("--worker-urls: '" + u + "' is not an http:// URL");
            }
            final URI parsed = workerUri(u);
            if (parsed.getHost() == null || parsed.getPort() > 65535)
            {
                throw new IllegalArgumentException("--worker-urls: '" + u + "' needs a host and a port in 1..65535, "
                    + "e.g. http://127.0.0.1:30000");
            }
        }
        RouterConfig.requireKnobs(cacheThreshold, balanceAbsThreshold, balanceRelThreshold,
            evictionIntervalSecs > Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
                : evictionIntervalSecs * 1_000_000_000L, maxTreeSize);
        if (policy == RoutingPolicy.KV_AWARE)
        {
            throw new IllegalArgumentException("--policy: kv_aware needs the store's view and runs only in the "
                + "simulator; use cache_aware, round_robin, random or power_of_two");
        }
        positive("--page-size", pageSize);
        positive("--request-timeout-secs", requestTimeoutSecs);
        positive("--health-check-interval-ms", healthCheckMs);
        if (maxRetries < 0)
        {
            throw new IllegalArgumentException("--retries: must be >= 0, got " + maxRetries);
        }
        ListenPorts.require("--port", port);
        ListenPorts.requireOrNone("--prometheus-port", prometheusPort);
    }

    private static URI workerUri(final String url)
    {
        try
        {
            return URI.create(url);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("--worker-urls: '" + url + "' is not a URL (" + e.getMessage()
                + "); give http://HOST:PORT");
        }
    }

    private static void positive(final String flag, final long v)
    {
        if (v <= 0)
        {
            throw new IllegalArgumentException(flag + ": must be > 0, got " + v);
        }
    }

    /** The URL without a trailing slash. */
    static String normalize(final String url)
    {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
