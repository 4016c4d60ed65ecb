package dev.kvtier.cli;

import dev.kvtier.live.router.RouterServer;
import dev.kvtier.live.router.RouterSettings;
import dev.kvtier.model.routing.RoutingPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kvtier router}: the model's router in front of worker processes, with sgl-router's flags. */
@Command(name = "router", mixinStandardHelpOptions = true,
    description = "Run the request router (sgl-router's policies and API) in front of kvtier server workers.")
public final class RouterCommand implements Callable<Integer>
{
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--worker-urls", arity = "1..*", required = true, paramLabel = "URL",
        description = "Workers, e.g. http://127.0.0.1:30000 http://127.0.0.1:30001.")
    List<String> workerUrls;

    @Option(names = "--policy", defaultValue = "cache_aware",
        description = "cache_aware, round_robin, random or power_of_two. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--cache-threshold", defaultValue = "0.3",
        description = "Prefix match rate above which cache_aware follows the prefix. Default ${DEFAULT-VALUE}.")
    double cacheThreshold;

    @Option(names = "--balance-abs-threshold", defaultValue = "64",
        description = "In-flight difference that counts as imbalanced. Default ${DEFAULT-VALUE}.")
    int balanceAbs;

    @Option(names = "--balance-rel-threshold", defaultValue = "1.5",
        description = "Max/min in-flight ratio that counts as imbalanced. Default ${DEFAULT-VALUE}.")
    double balanceRel;

    @Option(names = "--eviction-interval-secs", defaultValue = "120",
        description = "How often the per-worker trees are trimmed. Default ${DEFAULT-VALUE}.")
    long evictionInterval;

    @Option(names = "--max-tree-size", defaultValue = "67108864",
        description = "Per-worker tree budget in tokens. Default ${DEFAULT-VALUE}.")
    long maxTreeSize;

    @Option(names = "--page-size", defaultValue = "64",
        description = "Tokens per page of the trees (the workers' --page-size). Default ${DEFAULT-VALUE}.")
    int pageSize;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address. Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "30000", description = "Port (0 = any free one). Default "
        + "${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--prometheus-host", defaultValue = "127.0.0.1",
        description = "Metrics bind address. Default ${DEFAULT-VALUE}.")
    String prometheusHost;

    @Option(names = "--prometheus-port", defaultValue = "29000",
        description = "Metrics port, /metrics (0 = any free one, -1 = none). Default ${DEFAULT-VALUE}.")
    int prometheusPort;

    @Option(names = "--request-timeout-secs", defaultValue = "600",
        description = "Longest a forwarded request may take. Default ${DEFAULT-VALUE}.")
    long requestTimeout;

    @Option(names = "--retries", defaultValue = "5",
        description = "Forwards retried on another worker after one fails. Default ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--health-check-interval-ms", defaultValue = "1000",
        description = "How often each worker's /health is polled. Default ${DEFAULT-VALUE}.")
    long healthCheckMs;

    @Option(names = "--trace-dir", paramLabel = "DIR",
        description = "Record every request's arrival and outcome here (a new or empty directory) for kvtier replay.")
    java.nio.file.Path traceDir;

    @Override
    public Integer call() throws Exception
    {
        if (traceDir != null)
        {
            TraceDirs.requireEmpty(traceDir, "--trace-dir");
        }
        final RouterSettings settings;
        try
        {
            settings = new RouterSettings(workerUrls, RoutingPolicy.parse(policy), cacheThreshold, balanceAbs,
                balanceRel, evictionInterval, maxTreeSize, host, port, prometheusHost, prometheusPort, pageSize,
                requestTimeout, retries, healthCheckMs);
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
        BindHost.require("--host", host);
        if (prometheusPort >= 0)
        {
            BindHost.require("--prometheus-host", prometheusHost);
        }
        final RouterServer server = RouterServer.start(settings);
        if (traceDir != null)
        {
            server.recordTo(traceDir, TraceDirs.versions());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("kvtier router: http://" + host + ":" + server.port() + " (" + policy + ", "
            + workerUrls.size() + " workers)" + (server.prometheusPort() > 0 ? ", metrics http://" + prometheusHost
            + ":" + server.prometheusPort() + "/metrics" : ""));
        out.flush();
        return LiveProcess.runUntilStopped(server::close);
    }
}
