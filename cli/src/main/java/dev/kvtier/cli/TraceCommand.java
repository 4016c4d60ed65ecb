package dev.kvtier.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kvtier trace}: the recorded-trace directories that {@code sim --trace-dir} (and later the live processes)
 * write, moved to and from the Mooncake JSONL format that other tools read, and summarised.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Recorded traces (Chronicle Queue directories): export, import, stats.",
    subcommands = {TraceExportCommand.class, TraceImportCommand.class, TraceStatsCommand.class})
public final class TraceCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
