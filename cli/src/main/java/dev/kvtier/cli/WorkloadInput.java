package dev.kvtier.cli;

import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceRecord;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Where a command's requests come from (the {@code --trace}, {@code --seed} and {@code --synthetic-duration}
 * options, shared by {@code sim} and {@code compare}): a Mooncake JSONL trace, or the built-in synthetic chat
 * workload when no trace is given, so every command runs with no files at all.
 */
final class WorkloadInput
{
    @Option(names = "--trace", paramLabel = "FILE",
        description = "Mooncake JSONL trace (timestamp, input_length, output_length, hash_ids). "
            + "Default: the built-in synthetic chat workload.")
    Path trace;

    @Option(names = "--seed", defaultValue = "42",
        description = "Seed of the built-in workload, of random choices and of every variant "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--synthetic-duration", defaultValue = "900", paramLabel = "SECONDS",
        description = "Length of the built-in workload (default: ${DEFAULT-VALUE}).")
    double syntheticDuration;

    /**
     * Refuses a {@code --synthetic-duration} the built-in workload's config does not take, whether or not the
     * built-in workload is used.
     */
    void validate()
    {
        config();
    }

    private ChatWorkloadConfig config()
    {
        final ChatWorkloadConfig defaults = ChatWorkloadConfig.defaults();
        // the workload's size rule in this flag's terms: the built-in workload's rate is not a flag of its own
        final double longest = ChatWorkloadConfig.MAX_EXPECTED_SESSIONS / defaults.sessionsPerSecond();
        if (syntheticDuration > longest && syntheticDuration < Double.POSITIVE_INFINITY)
        {
            throw new BadInputException(String.format(Locale.ROOT, "--synthetic-duration %s: at most %,.0f seconds "
                + "(the built-in workload's requests are generated in memory); give a shorter duration, or a trace "
                + "with --trace", syntheticDuration, Math.floor(longest)));
        }
        try
        {
            return defaults.withSeed(seed).withDuration(syntheticDuration).validate();
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--synthetic-duration " + syntheticDuration + ": " + e.getMessage());
        }
    }

    /** Name used in reports: the trace file's name, or the built-in workload's parameters. */
    String sourceName()
    {
        return trace == null ? "synthetic:chat(seed=" + seed + ",duration_s=" + (long)syntheticDuration + ")"
            : trace.getFileName().toString();
    }

    /** The requests themselves, for timed replays. */
    List<TraceRecord> records() throws IOException
    {
        final List<TraceRecord> out = new ArrayList<>();
        if (trace == null)
        {
            return synthetic();
        }
        try (MooncakeTraceReader reader = openTrace())
        {
            reader.forEachRemaining(out::add);
        }
        if (out.isEmpty())
        {
            throw emptyTrace();
        }
        return out;
    }

    /** The requests as block chains, for hit replay. */
    BlockTrace blocks() throws IOException
    {
        return blocks(0);
    }

    /** The first {@code limit} requests (all for 0) as block chains. */
    BlockTrace blocks(final int limit) throws IOException
    {
        if (trace == null)
        {
            return BlockTrace.load(limited(synthetic().iterator(), limit));
        }
        try (MooncakeTraceReader reader = openTrace())
        {
            final BlockTrace loaded = BlockTrace.load(limited(reader, limit));
            if (loaded.requests() == 0)
            {
                throw emptyTrace();
            }
            return loaded;
        }
    }

    private static Iterator<TraceRecord> limited(final Iterator<TraceRecord> records, final int limit)
    {
        if (limit <= 0)
        {
            return records;
        }
        return new Iterator<>()
        {
            private int taken;

            @Override
            public boolean hasNext()
            {
                return taken < limit && records.hasNext();
            }

            @Override
            public TraceRecord next()
            {
                taken++;
                return records.next();
            }
        };
    }

    private List<TraceRecord> synthetic()
    {
        return new ChatWorkloadGenerator(config()).generate();
    }

    private MooncakeTraceReader openTrace() throws IOException
    {
        InputFile.require(trace, "--trace",
            "give the path of a Mooncake JSONL trace, or leave --trace out to use the built-in workload");
        return MooncakeTraceReader.open(trace);
    }

    private BadInputException emptyTrace()
    {
        return new BadInputException("--trace: '" + trace + "' holds no requests; give a non-empty trace");
    }
}
