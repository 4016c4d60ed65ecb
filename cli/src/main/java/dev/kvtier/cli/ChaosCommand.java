package dev.kvtier.cli;

import dev.kvtier.live.bench.ChaosLoad;
import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kvtier chaos}: a master and stores as real processes on loopback, clients putting and reading back
 * verifiable values, and random faults for a bounded time; prints operations, errors by cause, wrong bytes, misses
 * and each kind of fault's recovery times, and exits 1 if any byte read was wrong, a fault never recovered or a
 * client hung.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Run a master, stores and clients on loopback for a while under random faults (kill -9 of a store "
        + "or the master, garbage and slow connections) and check every byte read.")
public final class ChaosCommand implements Callable<Integer>
{
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", defaultValue = "3m",
        description = "How long faults are injected (ms, s, m). Default ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--seed", defaultValue = "1",
        description = "Seed of the fault schedule and of the load. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--stores", defaultValue = "2", description = "Store processes. Default ${DEFAULT-VALUE}.")
    int stores;

    @Option(names = "--clients", defaultValue = "2", description = "Client threads. Default ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--value-size", defaultValue = "64kb", description = "Bytes per value. Default ${DEFAULT-VALUE}.")
    String valueSize;

    @Option(names = "--keys", defaultValue = "64", description = "Keys per client. Default ${DEFAULT-VALUE}.")
    int keys;

    @Option(names = "--segment-size", defaultValue = "64mb",
        description = "Each store's segment. Default ${DEFAULT-VALUE}.")
    String segmentSize;

    @Option(names = "--min-gap", defaultValue = "2s", description = "Shortest gap between faults. "
        + "Default ${DEFAULT-VALUE}.")
    String minGap;

    @Option(names = "--max-gap", defaultValue = "6s", description = "Longest gap between faults. "
        + "Default ${DEFAULT-VALUE}.")
    String maxGap;

    @Option(names = "--recovery-timeout", defaultValue = "60s", description = "After the last fault, how long to "
        + "wait for every fault to recover. Default ${DEFAULT-VALUE}.")
    String recoveryTimeout;

    @Option(names = "--faults", defaultValue = "0", description = "Stop after this many faults (the first five are "
        + "one of each kind); 0: as many as --duration allows. Default ${DEFAULT-VALUE}.")
    int faults;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the logs of the processes and clients go "
        + "(kept); default a temporary directory, removed when the run passes.")
    Path workDir;

    @Override
    public Integer call() throws Exception
    {
        final ChaosRun.Options o;
        try
        {
            final long valueBytes = ByteSizes.parse("--value-size", valueSize);
            if (valueBytes > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("--value-size must be below 2 GiB, got " + valueSize);
            }
            o = new ChaosRun.Options(Durations.parseMs("--duration", duration), seed, stores, clients,
                (int)valueBytes, keys, ByteSizes.parse("--segment-size", segmentSize),
                Durations.parseMs("--min-gap", minGap), Durations.parseMs("--max-gap", maxGap),
                Durations.parseMs("--recovery-timeout", recoveryTimeout), faults);
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
        if (workDir != null && Files.exists(workDir) && !Files.isDirectory(workDir))
        {
            throw new BadInputException("--work-dir: '" + workDir + "' is a file; give a directory (made if absent)");
        }
        if (o.durationMs() < 1)
        {
            throw new BadInputException("--duration: must be > 0 (the time faults are injected), got " + duration);
        }
        final Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("kvtier-chaos");
        final PrintWriter out = spec.commandLine().getOut();
        out.printf("kvtier chaos: seed %d, %d stores, %d clients, %s values; logs in %s%n", seed, stores, clients,
            ByteSizes.format(o.valueSize()), dir);
        out.flush();
        final ChaosRun.Result r = new ChaosRun(o, dir).run(out);
        print(out, r);
        if (!r.passed())
        {
            out.println("FAILED; logs kept in " + dir);
            return 1;
        }
        if (workDir == null)
        {
            DirectoryTree.delete(dir);
        }
        return 0;
    }

    static void print(final PrintWriter out, final ChaosRun.Result r)
    {
        final ChaosLoad.Figures f = r.figures();
        out.printf(Locale.ROOT, "ran %.0f s, %d faults%n", r.seconds(), r.faults().size());
        out.printf(Locale.ROOT, "operations %d, succeeded %d, verified reads %d, misses %d%n", f.operations(),
            f.succeeded(), f.verifiedReads(), f.misses());
        out.printf(Locale.ROOT, "errors %d%s%n", f.errors(), f.errorsByCause().isEmpty() ? ""
            : ": " + String.join(", ", f.errorsByCause().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList()));
        out.printf(Locale.ROOT, "wrong bytes %d (in %d reads)%n", f.wrongBytes(), f.wrongReads());
        out.printf(Locale.ROOT, "longest operation %.0f ms%n", f.longestOpMs());
        out.println("recovery (fault to the first operation started after it that succeeded), ms:");
        for (final ChaosFault.Kind kind : ChaosFault.Kind.values())
        {
            final List<ChaosFault> of = r.faults().stream().filter(x -> x.kind == kind).toList();
            final double[] ms = of.stream().filter(ChaosFault::recovered).mapToDouble(ChaosFault::recoveryMs)
                .sorted().toArray();
            out.printf(Locale.ROOT, "  %-26s %3d faults, %3d recovered", kind.label, of.size(), ms.length);
            if (ms.length > 0)
            {
                out.printf(Locale.ROOT, ", min %.0f, median %.0f, max %.0f", ms[0], median(ms), ms[ms.length - 1]);
            }
            final double[] back = of.stream().mapToDouble(ChaosFault::backMs).filter(x -> x >= 0).sorted().toArray();
            if (back.length > 0)
            {
                out.printf(Locale.ROOT, "; restarted process ready after min %.0f, median %.0f, max %.0f", back[0],
                    median(back), back[back.length - 1]);
            }
            out.println();
        }
        if (!r.stuckClients().isEmpty())
        {
            out.println("hung clients: " + r.stuckClients());
        }
        out.flush();
    }

    private static double median(final double[] sorted)
    {
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
