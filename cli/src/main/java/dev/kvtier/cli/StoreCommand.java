package dev.kvtier.cli;

import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.config.StoreConfig;
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

    @Override
    public Integer call() throws Exception
    {
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
        final StoreConfig cfg = StoreConfig.load(file, System.getenv());
        if (cfg.globalSegmentSize() == 0)
        {
            throw new BadInputException((file == null ? "MOONCAKE_GLOBAL_SEGMENT_SIZE" : file.toString())
                + ": global_segment_size is 0, so this store would contribute nothing; set it, e.g. \"4gb\"");
        }
        final DistributedStore store = DistributedStore.setup(cfg);
        final PrintWriter out = spec.commandLine().getOut();
        out.println("kvtier store: segment " + store.segmentName() + " (" + ByteSizes.format(cfg.globalSegmentSize())
            + ") mounted at master " + cfg.masterServerAddress() + ", metadata " + cfg.metadataServer() + ", protocol "
            + cfg.protocol());
        out.flush();
        return LiveProcess.runUntilStopped(store::close);
    }
}
