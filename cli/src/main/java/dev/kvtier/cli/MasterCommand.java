package dev.kvtier.cli;

import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.config.Durations;
import dev.kvtier.live.master.MasterOptions;
import dev.kvtier.live.master.MasterServer;
import dev.kvtier.model.store.AllocationStrategy;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import dev.kvtier.transport.tcp.rpc.RpcLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code kvtier master}: the store's master as a process, with upstream's flags (dashes or underscores). */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Run the store master: RPC server, optional HTTP metadata service, /metrics and admin HTTP.")
public final class MasterCommand implements Callable<Integer>
{
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    /** Read by {@link MasterFlags#expand} before parsing; declared here so that help lists it. */
    @Option(names = {"--config-path", "--config_path"}, paramLabel = "FILE",
        description = "Upstream's master config: a JSON object of flag names and values (conf/master.json); "
            + "flags on the command line win.")
    String configPath;

    @Option(names = {"--rpc-port", "--rpc_port", "--port"}, defaultValue = "50051",
        description = "RPC port (0 = any free port). Default ${DEFAULT-VALUE}.")
    int rpcPort;

    @Option(names = {"--rpc-address", "--rpc_address"}, defaultValue = "0.0.0.0",
        description = "RPC bind address. Default ${DEFAULT-VALUE}.")
    String rpcAddress;

    @Option(names = {"--enable-http-metadata-server", "--enable_http_metadata_server"}, arity = "0..1",
        fallbackValue = "true", defaultValue = "false",
        description = "Embed the transfer engine's HTTP metadata service.")
    boolean enableHttpMetadataServer;

    @Option(names = {"--http-metadata-server-port", "--http_metadata_server_port"}, defaultValue = "8080",
        description = "Metadata service port, path /metadata. Default ${DEFAULT-VALUE}.")
    int httpMetadataServerPort;

    @Option(names = {"--http-metadata-server-host", "--http_metadata_server_host"}, defaultValue = "0.0.0.0",
        description = "Metadata service bind address. Default ${DEFAULT-VALUE}.")
    String httpMetadataServerHost;

    @Option(names = {"--metrics-port", "--metrics_port"}, defaultValue = "9003",
        description = "Admin HTTP port: /metrics, /health, /get_all_segments, /query_key. Default ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(names = {"--metrics-host", "--metrics_host"}, defaultValue = "0.0.0.0",
        description = "Admin HTTP bind address. Default ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = {"--default-kv-lease-ttl", "--default_kv_lease_ttl"}, defaultValue = "10000",
        description = "Read lease granted by Exist/Get, ms or with a unit (10s). Default ${DEFAULT-VALUE}.")
    String defaultKvLeaseTtl;

    @Option(names = {"--eviction-high-watermark-ratio", "--eviction_high_watermark_ratio"}, defaultValue = "0.90",
        description = "Evict above this used fraction. Default ${DEFAULT-VALUE}.")
    double evictionHighWatermarkRatio;

    @Option(names = {"--eviction-ratio", "--eviction_ratio"}, defaultValue = "0.05",
        description = "Fraction of objects one eviction pass aims to free. Default ${DEFAULT-VALUE}.")
    double evictionRatio;

    @Option(names = {"--client-ttl", "--client_ttl"}, defaultValue = "10",
        description = "Seconds without a ping before a client's segments are unmounted. Default ${DEFAULT-VALUE}.")
    long clientTtlSeconds;

    @Option(names = {"--allocation-strategy", "--allocation_strategy"}, defaultValue = "random",
        description = "random, free_ratio_first or local_first. Default ${DEFAULT-VALUE}.")
    String allocationStrategy;

    @Option(names = {"--enable-metadata-cleanup-on-timeout", "--enable_metadata_cleanup_on_timeout"}, arity = "0..1",
        fallbackValue = "true", defaultValue = "false",
        description = "When a client's TTL expires, also delete its descriptors from the embedded metadata service.")
    boolean enableMetadataCleanupOnTimeout;

    @Option(names = {"--enable-metric-reporting", "--enable_metric_reporting"}, arity = "0..1",
        fallbackValue = "true", defaultValue = "true",
        description = "Print the summary line (also at /metrics/summary) every 10 s. Default ${DEFAULT-VALUE}.")
    boolean enableMetricReporting;

    @Option(names = "--rpc-max-connections", defaultValue = "1024",
        description = "RPC connections open at once; more are closed at accept. Default ${DEFAULT-VALUE}.")
    int rpcMaxConnections;

    @Option(names = "--rpc-max-frame-bytes", defaultValue = "16mb",
        description = "Largest RPC frame (also the most one connection buffers). Default ${DEFAULT-VALUE}.")
    String rpcMaxFrameBytes;

    @Option(names = "--rpc-max-buffered-bytes", defaultValue = "256mb",
        description = "Bytes of unfinished RPC frames over all connections; a connection that would go over is "
            + "closed. Default ${DEFAULT-VALUE}.")
    String rpcMaxBufferedBytes;

    @Option(names = "--rpc-frame-deadline", defaultValue = "10s",
        description = "Time to finish a started RPC frame, else the connection is closed. Default ${DEFAULT-VALUE}.")
    String rpcFrameDeadline;

    @Option(names = "--rpc-idle-timeout", defaultValue = "10m",
        description = "Close RPC connections silent this long (0 = never). Default ${DEFAULT-VALUE}.")
    String rpcIdleTimeout;

    @Option(names = "--metadata-max-body-bytes", defaultValue = "1mb",
        description = "Largest metadata PUT body; larger is answered 413. Default ${DEFAULT-VALUE}.")
    String metadataMaxBodyBytes;

    @Option(names = "--cluster-token",
        description = "Shared secret RPC sessions and metadata writes must present (default: $KVTIER_CLUSTER_TOKEN, "
            + "unset = none, as upstream).")
    String clusterToken;

    @Override
    public Integer call() throws Exception
    {
        if (clientTtlSeconds <= 0 || clientTtlSeconds > Integer.MAX_VALUE)
        {
            throw new BadInputException("--client-ttl must be > 0 seconds and at most " + Integer.MAX_VALUE + ", got "
                + clientTtlSeconds);
        }
        BindHost.require("--rpc-address", rpcAddress);
        BindHost.require("--metrics-host", metricsHost);
        if (enableHttpMetadataServer)
        {
            BindHost.require("--http-metadata-server-host", httpMetadataServerHost);
        }
        final MasterConfig defaults = MasterConfig.defaults();
        final MasterConfig config = new MasterConfig(
            Durations.parseMs("--default-kv-lease-ttl", defaultKvLeaseTtl), defaults.maxKvSoftPinTtlMs(),
            defaults.allowEvictSoftPinnedObjects(), evictionRatio, evictionHighWatermarkRatio,
            clientTtlSeconds * 1000, defaults.putStartDiscardTimeoutMs(), defaults.putStartReleaseTimeoutMs(),
            AllocationStrategy.parse(allocationStrategy));
        final RpcLimits limits;
        try
        {
            limits = new RpcLimits(rpcMaxConnections, (int)Math.min(Integer.MAX_VALUE - 8,
                ByteSizes.parse("--rpc-max-frame-bytes", rpcMaxFrameBytes)),
                ByteSizes.parse("--rpc-max-buffered-bytes", rpcMaxBufferedBytes),
                Durations.parseMs("--rpc-frame-deadline", rpcFrameDeadline),
                Durations.parseMs("--rpc-idle-timeout", rpcIdleTimeout));
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--rpc-*: " + e.getMessage());
        }
        final MasterOptions options = new MasterOptions(rpcAddress, rpcPort, enableHttpMetadataServer,
            httpMetadataServerHost, httpMetadataServerPort, metricsHost, metricsPort, enableMetadataCleanupOnTimeout,
            config, limits, ByteSizes.parse("--metadata-max-body-bytes", metadataMaxBodyBytes),
            ClusterToken.resolve(clusterToken, System.getenv()));
        final MasterServer server = new MasterServer(options).start();
        server.onFailure(cause ->
        {
            System.err.println("kvtier master: a server thread died (" + cause + "); /health reports ready: false; "
                + "exiting with status 70");
            System.exit(70);
        });
        final PrintWriter out = spec.commandLine().getOut();
        out.println("kvtier master: rpc " + rpcAddress + ":" + server.rpcPort()
            + (server.metadataPort() > 0 ? ", metadata http://" + httpMetadataServerHost + ":" + server.metadataPort()
                + "/metadata" : "")
            + ", admin http://" + metricsHost + ":" + server.metricsPort()
            + " (/metrics /metrics/summary /health /get_all_segments /query_key)"
            + (options.clusterToken().enabled() ? "; cluster token required" : ""));
        out.flush();
        if (enableMetricReporting)
        {
            final ScheduledExecutorService reporter =
                Executors.newSingleThreadScheduledExecutor(r ->
                {
                    final Thread t = new Thread(r, "kvtier-master-report");
                    t.setDaemon(true);
                    return t;
                });
            reporter.scheduleAtFixedRate(() ->
            {
                try
                {
                    out.println(server.summary());
                    out.flush();
                }
                catch (final Exception e)
                {
                    out.println("summary unavailable: " + e.getMessage());
                }
            }, 10, 10, TimeUnit.SECONDS);
        }
        return LiveProcess.runUntilStopped(server::close);
    }
}
