package dev.kvtier.cli;

import dev.kvtier.workloads.recorded.MooncakeConversion;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceRecorder;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kvtier trace import}: a Mooncake JSONL trace as a recorded trace (arrivals only, request id = line index),
 * keeping its hash ids and millisecond timestamps, so that exporting it gives the same lines back.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Write a Mooncake JSONL trace into a new recorded-trace directory (arrivals, hash ids kept).")
public final class TraceImportCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE.jsonl", description = "Mooncake JSONL trace.")
    private Path in;

    @Option(names = "--trace-dir", required = true, paramLabel = "DIR",
        description = "New or empty directory for the recorded trace.")
    private Path traceDir;

    @Override
    public Integer call() throws Exception
    {
        InputFile.require(in, "--in", "give a Mooncake JSONL trace");
        TraceDirs.requireEmpty(traceDir, "--trace-dir");
        // one pass (the input may be a pipe) into a sibling directory that becomes the recording only once the
        // whole trace is read and valid, so that a bad line or an empty trace leaves no half recording behind
        final Path target = traceDir.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        final Path partial = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".import-");
        long n = 0;
        boolean moved = false;
        try
        {
            try (MooncakeTraceReader reader = MooncakeTraceReader.open(in);
                TraceRecorder recorder = TraceRecorder.open(partial))
            {
                recorder.writeHeader(new TraceHeader(TraceHeader.ORIGIN_IMPORT, in.getFileName().toString(), 0,
                    TraceDirs.versions(), "{\"block_tokens\":" + MooncakeConversion.BLOCK_TOKENS + "}"));
                while (reader.hasNext())
                {
                    recorder.append(MooncakeConversion.arrival(n++, reader.next()));
                }
            }
            if (n == 0)
            {
                throw new BadInputException("--in: '" + in + "' holds no requests; give a non-empty trace");
            }
            Files.deleteIfExists(target); // an empty directory, as checked above
            Files.move(partial, target);
            moved = true;
        }
        finally
        {
            if (!moved)
            {
                DirectoryTree.delete(partial);
            }
        }
        spec.commandLine().getErr().println("imported " + n + " requests into " + traceDir);
        return 0;
    }
}
