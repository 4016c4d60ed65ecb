package dev.kvtier.cli;

import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.MooncakeTraceReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command's requests come from: a Mooncake JSONL trace, or the built-in synthetic chat workload when no
 * trace is given, so every command runs with no files at all.
 */
final class WorkloadInput
{
    private WorkloadInput()
    {
    }

    /** Name used in reports for the built-in workload. */
    static String syntheticName(final long seed, final double durationSeconds)
    {
        return "synthetic:chat(seed=" + seed + ",duration_s=" + (long)durationSeconds + ")";
    }

    /** The requests themselves, for timed replays. */
    static java.util.List<dev.kvtier.workloads.trace.TraceRecord> records(final Path trace, final long seed,
        final double syntheticSeconds) throws IOException
    {
        if (trace == null)
        {
            final ChatWorkloadConfig config = ChatWorkloadConfig.defaults().withSeed(seed)
                .withDuration(syntheticSeconds);
            return new ChatWorkloadGenerator(config).generate();
        }
        if (!Files.isRegularFile(trace))
        {
            throw new BadInputException("--trace: no such file '" + trace + "'; give the path of a Mooncake JSONL "
                + "trace, or leave --trace out to use the built-in workload");
        }
        final java.util.List<dev.kvtier.workloads.trace.TraceRecord> out = new java.util.ArrayList<>();
        try (MooncakeTraceReader reader = MooncakeTraceReader.open(trace))
        {
            reader.forEachRemaining(out::add);
        }
        if (out.isEmpty())
        {
            throw new BadInputException("--trace: '" + trace + "' holds no requests; give a non-empty trace");
        }
        return out;
    }

    static BlockTrace load(final Path trace, final long seed, final double syntheticSeconds) throws IOException
    {
        if (trace == null)
        {
            final ChatWorkloadConfig config = ChatWorkloadConfig.defaults().withSeed(seed)
                .withDuration(syntheticSeconds);
            return BlockTrace.load(new ChatWorkloadGenerator(config).generate().iterator());
        }
        if (!Files.isRegularFile(trace))
        {
            throw new BadInputException("--trace: no such file '" + trace + "'; give the path of a Mooncake JSONL "
                + "trace, or leave --trace out to use the built-in workload");
        }
        try (MooncakeTraceReader reader = MooncakeTraceReader.open(trace))
        {
            final BlockTrace loaded = BlockTrace.load(reader);
            if (loaded.requests() == 0)
            {
                throw new BadInputException("--trace: '" + trace + "' holds no requests; give a non-empty trace");
            }
            return loaded;
        }
    }
}
