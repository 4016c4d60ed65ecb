package dev.kvtier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.live.bench.StoreBench;
import dev.kvtier.live.config.ByteSizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code kvtier store-bench}: write then read back and verify values through the live store. */
@Command(name = "store-bench", mixinStandardHelpOptions = true,
    description = "Benchmark a running store: N clients put then get and verify every byte.")
public final class StoreBenchCommand implements Callable<Integer>
{
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--master", defaultValue = "127.0.0.1:50051",
        description = "Master host:port. Default ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--metadata-server", defaultValue = "http://127.0.0.1:8080/metadata",
        description = "Metadata service URL or P2PHANDSHAKE. Default ${DEFAULT-VALUE}.")
    String metadataServer;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients. Default ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--value-size", defaultValue = "1mb",
        description = "Bytes per value: a byte count or a 1024-based size (4kb = 4 KiB, 1mb = 1 MiB). "
            + "Default ${DEFAULT-VALUE}.")
    String valueSize;

    @Option(names = "--ops", defaultValue = "1024",
        description = "Values written, then read. Default ${DEFAULT-VALUE}.")
    int ops;

    @Option(names = "--get-rounds", defaultValue = "1",
        description = "Read every value back this many times (each verified). Default ${DEFAULT-VALUE}.")
    int getRounds;

    @Option(names = "--protocol", defaultValue = "tcp", paramLabel = "tcp|rdma",
        description = "Transfer protocol of the clients, the store's own. Default ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--device-name", defaultValue = "", paramLabel = "NICS",
        description = "RDMA NICs for UCX (UCX_NET_DEVICES, e.g. mlx5_0:1); default MOONCAKE_DEVICE, else UCX's choice.")
    String deviceName;

    @Option(names = "--json", description = "Print the JSON report instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception
    {
        final StoreBench.Options o = new StoreBench.Options(master, metadataServer, clients,
            ByteSizes.parse("--value-size", valueSize), ops, getRounds, protocol, deviceName.isEmpty()
            ? System.getenv().getOrDefault("MOONCAKE_DEVICE", "") : deviceName);
        final StoreBench.Result r = StoreBench.run(o);
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            final ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            final ObjectNode root = m.createObjectNode();
            phase(root.putObject("put"), r.put());
            phase(root.putObject("get"), r.get());
            root.put("errors", r.errors());
            final com.fasterxml.jackson.databind.node.ObjectNode causes = root.putObject("errors_by_cause");
            r.errorsByCause().forEach(causes::put);
            root.put("misses", r.misses());
            if (r.masterIssue() != null)
            {
                root.put("master_issue", r.masterIssue());
            }
            root.put("mismatches", r.mismatches()).put("clients", r.clients())
                .put("value_size", r.valueSize()).put("ops", ops).put("get_rounds", getRounds)
                .put("protocol", protocol);
            out.println(m.writeValueAsString(root));
        }
        else
        {
            out.printf(Locale.ROOT, "%-4s %10s %12s %10s %10s %10s%n", "op", "ops/s", "MiB/s", "p50 us", "p99 us",
                "p999 us");
            row(out, "put", r.put());
            row(out, "get", r.get());
            out.printf(Locale.ROOT,
                "errors %d%s, misses %d, mismatches %d (%d clients, value_size %d B = %s, %d ops)%n",
                r.errors(), r.errorsByCause().isEmpty() ? "" : " " + r.errorsByCause(), r.misses(), r.mismatches(),
                r.clients(), r.valueSize(), ByteSizes.format(r.valueSize()), ops);
            if (r.masterIssue() != null)
            {
                out.println(r.masterIssue());
            }
        }
        out.flush();
        return r.errors() == 0 && r.mismatches() == 0 ? 0 : 1;
    }

    /** Rates are over succeeded operations; null when none succeeded (failed operations move no bytes). */
    private static void phase(final ObjectNode n, final StoreBench.Phase p)
    {
        n.put("succeeded", p.succeeded());
        if (p.succeeded() == 0)
        {
            n.putNull("ops_per_s").putNull("bytes_per_s");
        }
        else
        {
            n.put("ops_per_s", p.opsPerS()).put("bytes_per_s", p.bytesPerS());
        }
        n.putObject("latency_us").put("p50", p.p50Us()).put("p99", p.p99Us()).put("p999", p.p999Us());
    }

    private static void row(final PrintWriter out, final String name, final StoreBench.Phase p)
    {
        if (p.succeeded() == 0)
        {
            out.printf(Locale.ROOT, "%-4s %10s %12s %10s %10s %10s  (no operation succeeded)%n", name, "-", "-",
                "-", "-", "-");
            return;
        }
        out.printf(Locale.ROOT, "%-4s %10.0f %12.1f %10.0f %10.0f %10.0f%n", name, p.opsPerS(),
            p.bytesPerS() / (1 << 20), p.p50Us(), p.p99Us(), p.p999Us());
    }
}
