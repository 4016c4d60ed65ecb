package dev.kvtier.cli;

import picocli.CommandLine.Command;

/** The {@code kvtier} command: one launcher, one subcommand per job. */
@Command(
    name = "kvtier",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Tiered KV caches for LLM serving: simulate clusters, replay traces, compare policies, run the "
        + "store live.",
    subcommands = {SimCommand.class, CompareCommand.class, MergeCommand.class, ReplayCommand.class,
        CalibrateCommand.class, GenerateCommand.class, MasterCommand.class, ServerCommand.class, RouterCommand.class,
        StoreCommand.class, StoreBenchCommand.class, ChaosCommand.class, BenchServingCommand.class,
        HugepagesCommand.class,
        TraceCommand.class, picocli.CommandLine.HelpCommand.class})
public final class KvtierCommand implements java.util.concurrent.Callable<Integer>
{
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    /** Log level of every command (inherited, so it goes before or after the command name). */
    @picocli.CommandLine.Option(names = "--log-level", paramLabel = "error|warn|info|debug|trace|off",
        scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "Log events at this level and above, one line each on standard error (default: info).")
    void logLevel(final String level)
    {
        try
        {
            LogSetup.level(LogSetup.parse(level));
        }
        catch (final BadInputException e)
        {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** No command given: that is a usage error, so the usage goes to standard error with exit code 2. */
    @Override
    public Integer call()
    {
        spec.commandLine().getErr().println("kvtier: give a command; see the list below or 'kvtier help COMMAND'");
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_BAD_INPUT;
    }
}
