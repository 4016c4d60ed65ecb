package dev.kvtier.cli;

import dev.kvtier.workloads.recorded.MooncakeConversion;
import dev.kvtier.workloads.recorded.RecordedTrace;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceVisitor;
import dev.kvtier.workloads.trace.MooncakeTraceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kvtier trace export}: a recorded trace's arrivals as a Mooncake JSONL trace, in append order, so any tool
 * that reads the published traces (and {@code kvtier sim --trace}) can replay what was recorded.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a recorded trace's arrivals as a Mooncake JSONL trace.")
public final class TraceExportCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--trace-dir", required = true, paramLabel = "DIR", description = "Recorded trace directory.")
    private Path traceDir;

    @Option(names = "--format", defaultValue = "mooncake-jsonl", paramLabel = "mooncake-jsonl",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: standard output).")
    private Path out;

    @Override
    public Integer call() throws Exception
    {
        OutputFile.checkFile(out, "--out");
        if (!"mooncake-jsonl".equals(format))
        {
            throw new BadInputException("--format: '" + format + "' is not supported; use mooncake-jsonl");
        }
        final int[] n = new int[1];
        OutputFile.writeText(out, w -> n[0] = export(new FilterWriter(w)
        {
            @Override
            public void close() throws IOException
            {
                flush();
            }
        }), spec.commandLine().getOut(), "--out");
        if (!OutputFile.isStdout(out))
        {
            spec.commandLine().getErr().println("wrote " + n[0] + " requests to " + out);
        }
        return 0;
    }

    /** Writes every arrival to {@code sink} and closes it; returns how many. */
    private int export(final Writer sink) throws IOException
    {
        final int[] count = new int[1];
        try (RecordedTrace trace = RecordedTrace.open(traceDir);
            MooncakeTraceWriter writer = new MooncakeTraceWriter(sink))
        {
            final MooncakeConversion conversion = new MooncakeConversion();
            trace.read(new TraceVisitor()
            {
                @Override
                public void arrival(final TraceArrival a)
                {
                    try
                    {
                        writer.write(conversion.record(a));
                        count[0]++;
                    }
                    catch (final IOException e)
                    {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void outcome(final TraceOutcome o)
                {
                }
            });
        }
        return count[0];
    }
}
