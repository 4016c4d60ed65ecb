package dev.kvtier.cli;

import dev.kvtier.live.config.ByteSizes;
import dev.kvtier.live.store.HugepageSizing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kvtier hugepages}: the reference's HiCache hugepage sizing check, same formula, statuses and exit codes
 * (0 fits or planning only, 1 arena may fall back, 2 insufficient, 64 bad arguments).
 */
@Command(name = "hugepages", mixinStandardHelpOptions = true,
    description = "Check that reserved huge pages hold HiCache host pools, store segments and the mmap arena.")
public final class HugepagesCommand implements Callable<Integer>
{
    /** The script's exit code for argument errors. */
    public static final int EXIT_USAGE = 64;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--tp-size", required = true, description = "Tensor-parallel ranks per host.")
    int tpSize;

    @Option(names = "--hicache-size", required = true, description = "HiCache host pool per rank (e.g. 16gb).")
    String hicacheSize;

    @Option(names = "--global-segment-size", required = true, description = "Store segment per rank (e.g. 4gb).")
    String globalSegmentSize;

    @Option(names = "--arena-pool-size", defaultValue = "0",
        description = "mmap arena per rank. Default ${DEFAULT-VALUE}.")
    String arenaPoolSize;

    @Option(names = "--hugepage-size", defaultValue = "2mb", description = "2mb or 1gb. Default ${DEFAULT-VALUE}.")
    String hugepageSize;

    @Option(names = "--available-hugetlb", description = "Reserved HugeTLB bytes; default: nr_hugepages from sysfs "
        + "times the page size.")
    String availableHugetlb;

    @Override
    public Integer call()
    {
        final long page;
        final HugepageSizing sizing;
        try
        {
            if (tpSize < 1)
            {
                throw new IllegalArgumentException("--tp-size must be >= 1, got " + tpSize);
            }
            page = ByteSizes.parse("--hugepage-size", hugepageSize);
            if (page != 2L << 20 && page != 1L << 30)
            {
                throw new IllegalArgumentException("--hugepage-size: " + hugepageSize + " is not a huge page size of "
                    + "x86-64; use 2mb or 1gb");
            }
            // boxed on both sides: a conditional with one long side would unbox a null from sysfs
            final Long available = availableHugetlb != null
                ? Long.valueOf(ByteSizes.parse("--available-hugetlb", availableHugetlb)) : fromSysfs(page);
            sizing = new HugepageSizing(tpSize, ByteSizes.parse("--hicache-size", hicacheSize),
                ByteSizes.parse("--global-segment-size", globalSegmentSize),
                ByteSizes.parse("--arena-pool-size", arenaPoolSize), available);
        }
        catch (final IllegalArgumentException e)
        {
            spec.commandLine().getErr().println("hugepages: " + e.getMessage());
            return EXIT_USAGE;
        }
        final HugepageSizing.Verdict v = sizing.check();
        final var out = spec.commandLine().getOut();
        out.println("status: " + v.status());
        out.println("baseline per rank: " + ByteSizes.format(v.baselinePerRank()) + " (hicache + global segment)");
        out.println("baseline total: " + ByteSizes.format(v.baselineTotal()) + " (x " + tpSize + " ranks)");
        out.println("clean arena per rank: " + ByteSizes.format(v.cleanArenaPerRank()));
        out.println("clean arena total: " + ByteSizes.format(v.cleanArenaTotal()));
        out.println("available hugetlb: " + (v.available() == null ? "unknown" : ByteSizes.format(v.available())));
        out.flush();
        return v.exitCode();
    }

    private static Long fromSysfs(final long page)
    {
        final Path p = Path.of("/sys/kernel/mm/hugepages/hugepages-" + (page >> 10) + "kB/nr_hugepages");
        try
        {
            return Long.parseLong(Files.readString(p).trim()) * page;
        }
        catch (final IOException | NumberFormatException e)
        {
            return null;
        }
    }
}
