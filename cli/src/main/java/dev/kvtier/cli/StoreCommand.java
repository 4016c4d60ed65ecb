package dev.kvtier.cli;

import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.live.store.StoreMetricsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kvtier store}: a store service contributing {@code global_segment_size} bytes of memory to the pool,
 * configured by the reference store service's JSON ({@code MOONCAKE_*} environment variables override it).
 */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "Run a store service: mount a memory segment at the master and serve reads and writes into it.")
public final class StoreCommand implements Callable<Integer>
{
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "store.json (fields of the reference store "
        + "service); default: $MOONCAKE_CONFIG_PATH, or the MOONCAKE_* environment alone.")
    Path config;

    @Option(names = {"--metrics-port", "--metrics_port"}, paramLabel = "PORT", description = "Serve GET /metrics "
        + "(the data port's limits, connections and refusals) on this port; 0 picks a free one (printed). "
        + "Default: no HTTP endpoint.")
    Integer metricsPort;

    @Option(names = {"--metrics-host", "--metrics_host"}, paramLabel = "HOST", defaultValue = "0.0.0.0",
        description = "Address of the metrics endpoint (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Override
    public Integer call() throws Exception
    {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535))
        {
            throw new BadInputException("--metrics-port: " + metricsPort + " is not a port; use 1-65535, or 0 for a "
                + "free one");
        }
        if (metricsPort != null)
        {
            BindHost.require("--metrics-host", metricsHost);
        }
        Path file = config;
        if (file == null && System.getenv("MOONCAKE_CONFIG_PATH") != null)
        {
            file = Path.of(System.getenv("MOONCAKE_CONFIG_PATH"));
        }
        if (file == null && System.getenv("MOONCAKE_MASTER") == null)
        {
            throw new BadInputException("--config FILE, MOONCAKE_CONFIG_PATH or MOONCAKE_MASTER is required; see "
                + "examples/store.json");
        }
        if (file != null)
        {
            InputFile.require(file, config != null ? "--config" : "MOONCAKE_CONFIG_PATH",
                "give a store.json (see examples/store.json)");
        }
        final StoreConfig cfg = StoreConfig.load(file, System.getenv());
        if (cfg.globalSegmentSize() == 0)
        {
            throw new BadInputException((file == null ? "MOONCAKE_GLOBAL_SEGMENT_SIZE" : file.toString())
                + ": global_segment_size is 0, so this store would contribute nothing; set it, e.g. \"4gb\"");
        }
        final DistributedStore store = DistributedStore.setup(cfg);
        final StoreMetricsService metrics;
        try
        {
            metrics = metricsPort == null ? null
                : new StoreMetricsService(metricsHost, metricsPort, store.dataPortServer()).start();
        }
        catch (final java.io.IOException e)
        {
            store.close();
            throw new IllegalStateException("cannot serve metrics on " + metricsHost + ":" + metricsPort + ": "
                + e.getMessage(), e);
        }
        if (store.dataPortServer() != null)
        {
            store.dataPortServer().onFailure(cause ->
            {
                System.err.println("kvtier store: a data port thread died (" + cause + "); /health reports ready: "
                    + "false; exiting with status 70");
                // not on the dying I/O thread: exit runs the shutdown hook, whose close joins that thread
                new Thread(() -> System.exit(70), "kvtier-store-exit").start();
            });
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("kvtier store: segment " + store.segmentName() + " (" + ByteSizes.format(cfg.globalSegmentSize())
            + ") mounted at master " + cfg.masterServerAddress() + ", metadata " + cfg.metadataServer() + ", protocol "
            + cfg.protocol() + (metrics == null ? "" : ", metrics http://" + metricsHost + ":" + metrics.port()
            + "/metrics"));
        out.flush();
        return LiveProcess.runUntilStopped(() ->
        {
            if (metrics != null)
            {
                metrics.close();
            }
            store.close();
        });
    }
}
