package dev.kvtier.live.router;

import dev.kvtier.model.routing.RoutingPolicy;

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
        }
        if (policy == RoutingPolicy.KV_AWARE)
        {
            throw new IllegalArgumentException("--policy: kv_aware needs the store's view and runs only in the "
                + "simulator; use cache_aware, round_robin, random or power_of_two");
        }
        if (pageSize <= 0 || maxRetries < 0 || requestTimeoutSecs <= 0 || healthCheckMs <= 0)
        {
            throw new IllegalArgumentException("--page-size, --request-timeout-secs and --health-check-interval-ms "
                + "must be > 0, --retries >= 0");
        }
        if (port < 0 || port > 65535 || prometheusPort < -1 || prometheusPort > 65535)
        {
            throw new IllegalArgumentException("--port and --prometheus-port must be in 0..65535");
        }
    }

    /** The URL without a trailing slash. */
    static String normalize(final String url)
    {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
