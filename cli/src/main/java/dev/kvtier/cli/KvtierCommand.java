package dev.kvtier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code kvtier} command: one launcher, one subcommand per job. A command line is built with only the
 * subcommand it names: picocli builds a command's model from its annotations by reflection, and doing that for
 * every subcommand was most of a short command's start-up. The usage listing, {@code help} and a misspelt name
 * get them all.
 */
@Command(
    name = "kvtier",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Tiered KV caches for LLM serving: simulate clusters, replay traces, compare policies, run the "
        + "store live.")
public final class KvtierCommand implements java.util.concurrent.Callable<Integer>
{
    /** The subcommands by name, in the order the usage lists them; lambdas, so that no class is loaded before use. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static
    {
        SUBCOMMANDS.put("sim", () -> new SimCommand());
        SUBCOMMANDS.put("compare", () -> new CompareCommand());
        SUBCOMMANDS.put("merge", () -> new MergeCommand());
        SUBCOMMANDS.put("replay", () -> new ReplayCommand());
        SUBCOMMANDS.put("calibrate", () -> new CalibrateCommand());
        SUBCOMMANDS.put("generate", () -> new GenerateCommand());
        SUBCOMMANDS.put("master", () -> new MasterCommand());
        SUBCOMMANDS.put("server", () -> new ServerCommand());
        SUBCOMMANDS.put("router", () -> new RouterCommand());
        SUBCOMMANDS.put("store", () -> new StoreCommand());
        SUBCOMMANDS.put("store-bench", () -> new StoreBenchCommand());
        SUBCOMMANDS.put("chaos", () -> new ChaosCommand());
        SUBCOMMANDS.put("bench-serving", () -> new BenchServingCommand());
        SUBCOMMANDS.put("hugepages", () -> new HugepagesCommand());
        SUBCOMMANDS.put("trace", () -> new TraceCommand());
        SUBCOMMANDS.put("help", () -> new CommandLine.HelpCommand());
    }

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

    /** The whole command tree, every subcommand included. */
    static CommandLine all()
    {
        final CommandLine cli = new CommandLine(new KvtierCommand());
        SUBCOMMANDS.values().forEach(made -> cli.addSubcommand(made.get()));
        return cli;
    }

    /**
     * The command tree a command line needs: with only the subcommand it names when that is a known one other
     * than {@code help}, with none for a bare {@code --version}, else with all of them.
     */
    static CommandLine forArguments(final String[] args)
    {
        final String named = commandName(args);
        if (named != null && !"help".equals(named) && SUBCOMMANDS.containsKey(named))
        {
            final CommandLine cli = new CommandLine(new KvtierCommand());
            cli.addSubcommand(SUBCOMMANDS.get(named).get());
            return cli;
        }
        if (named == null && args.length > 0 && java.util.Arrays.stream(args).allMatch(
            a -> "--version".equals(a) || "-V".equals(a)))
        {
            return new CommandLine(new KvtierCommand());
        }
        return all();
    }

    /** The first argument that is not the top level's own option or its value, or null. */
    private static String commandName(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if ("--log-level".equals(a))
            {
                i++;
            }
            else if (!a.startsWith("-"))
            {
                return a;
            }
        }
        return null;
    }
}
