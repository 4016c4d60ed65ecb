package dev.kvtier.cli;

import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.MooncakeTraceWriter;
import dev.kvtier.workloads.trace.TraceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Writes the built-in synthetic chat workload as a Mooncake JSONL trace, for other tools or for editing. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write the built-in multi-turn chat workload as a Mooncake JSONL trace.")
public final class GenerateCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file; - or none: standard output.")
    private Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--duration", defaultValue = "900", paramLabel = "SECONDS",
        description = "Window in which sessions start (default: ${DEFAULT-VALUE}).")
    private double duration;

    @Option(names = "--sessions-per-second", defaultValue = "1.0", paramLabel = "RATE",
        description = "Mean session start rate (default: ${DEFAULT-VALUE}).")
    private double sessionsPerSecond;

    @Override
    public Integer call() throws Exception
    {
        OutputFile.checkFile(out, "--out");
        final ChatWorkloadConfig d = ChatWorkloadConfig.defaults();
        final ChatWorkloadConfig config = new ChatWorkloadConfig(seed, duration, sessionsPerSecond, d.meanTurns(),
            d.systemPrompts(), d.zipfExponent(), d.minSystemTokens(), d.maxSystemTokens(), d.meanUserTokens(),
            d.meanOutputTokens(), d.meanThinkSeconds(), d.documentFraction(), d.meanDocumentTokens(),
            d.maxInputTokens());
        try
        {
            config.validate();
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException("--duration " + duration + " --sessions-per-second " + sessionsPerSecond
                + ": " + e.getMessage());
        }
        final List<TraceRecord> records = new ChatWorkloadGenerator(config).generate();
        OutputFile.writeText(out, w ->
        {
            final MooncakeTraceWriter writer = new MooncakeTraceWriter(w);
            for (final TraceRecord r : records)
            {
                writer.write(r);
            }
            w.flush();
        }, spec.commandLine().getOut(), "--out");
        if (OutputFile.isStdout(out))
        {
            return 0;
        }
        spec.commandLine().getErr().println("wrote " + records.size() + " requests to " + out);
        return 0;
    }
}
