package dev.kvtier.cli;

import dev.kvtier.sim.cluster.ClusterSchema;
import dev.kvtier.workloads.recorded.TraceCorruptException;
import dev.kvtier.workloads.trace.TraceFormatException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;

/**
 * Entry point of the {@code kvtier} launcher. Maps every failure a user can cause to one line on stderr and exit
 * code 2; anything else is exit 1 with the stack trace only when {@code KVTIER_DEBUG} is set.
 */
public final class Main
{
    /** Exit code for bad input: wrong flags, malformed traces or configs. */
    public static final int EXIT_BAD_INPUT = 2;

    static
    {
        LogSetup.format();
        LogSetup.configureOnFirstUse();
        // picocli otherwise looks for Groovy on the class path (opening every jar on the way) to support closures
        // in annotations, which kvtier does not use
        System.setProperty("picocli.disable.closures", "true");
    }

    private Main()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; exposed so tests drive the real CLI in-process. */
    public static int run(final String[] args, final PrintWriter out, final PrintWriter err)
    {
        final CommandLine cli = KvtierCommand.forArguments(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        if (cli.getSubcommands().containsKey("master"))
        {
            cli.getSubcommands().get("master").setOverwrittenOptionsAllowed(true);
        }
        ParamLabels.install(cli);
        cli.setParameterExceptionHandler((ex, arguments) ->
        {
            final CommandLine cmd = ex.getCommandLine();
            if ("master".equals(cmd.getCommandName()) && ex instanceof CommandLine.UnmatchedArgumentException u)
            {
                for (final String arg : u.getUnmatched())
                {
                    final String refusal = MasterFlags.unsupported(arg);
                    if (refusal != null)
                    {
                        err.println("kvtier master: " + refusal);
                        return EXIT_BAD_INPUT;
                    }
                }
            }
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return "hugepages".equals(cmd.getCommandName()) ? HugepagesCommand.EXIT_USAGE : EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> handle(ex, cmd, err));
        for (final String name : new String[] {"sim", "compare", "replay", "calibrate"})
        {
            final CommandLine sub = cli.getSubcommands().get(name);
            if (sub != null)
            {
                clusterFieldsFooter(sub);
            }
        }
        final String[] line;
        try
        {
            line = masterConfig(args);
        }
        catch (final BadInputException e)
        {
            err.println("kvtier master: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        catch (final java.io.IOException e)
        {
            err.println("kvtier master: I/O error: " + e.getMessage());
            return 1;
        }
        try
        {
            return cli.execute(line);
        }
        catch (final OutOfMemoryError e)
        {
            err.println("kvtier: out of memory: the run needs more than the JVM's " + Runtime.getRuntime().maxMemory()
                / (1 << 20) + " MiB heap; give it more (KVTIER_JAVA_OPTS=-Xmx16g) or simulate fewer nodes");
            return 1;
        }
    }

    /** The cluster config fields as a command's help footer, made only when the help is shown. */
    private static void clusterFieldsFooter(final CommandLine command)
    {
        command.getCommandSpec().usageMessage().footerHeading(
            "%nCluster config fields (--set PATH=VALUE, --vary PATH=V1,V2,...):%n");
        command.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help ->
        {
            help.commandSpec().usageMessage().footer(ClusterSchema.helpText().replace("%", "%%").split("\n"));
            return help.footer();
        });
    }

    /** A master command line with upstream's {@code --config_path} expanded, or the arguments unchanged. */
    private static String[] masterConfig(final String[] args) throws java.io.IOException
    {
        if (args.length == 0 || !"master".equals(args[0]))
        {
            return args;
        }
        final java.util.List<String> expanded = new java.util.ArrayList<>(java.util.List.of("master"));
        expanded.addAll(MasterFlags.expand(java.util.List.of(args).subList(1, args.length)));
        return expanded.toArray(String[]::new);
    }

    private static int handle(final Exception thrown, final CommandLine cmd, final PrintWriter err)
    {
        final String who = cmd.getCommandSpec().qualifiedName();
        Throwable root = thrown;
        while ((root instanceof java.util.concurrent.ExecutionException
            || root instanceof java.util.concurrent.CompletionException) && root.getCause() != null)
        {
            root = root.getCause();
        }
        if (root instanceof OutOfMemoryError)
        {
            err.println(who + ": out of memory: the run needs more than the JVM's " + Runtime.getRuntime().maxMemory()
                / (1 << 20) + " MiB heap; give it more (KVTIER_JAVA_OPTS=-Xmx16g) or simulate fewer nodes");
            debug(thrown, err);
            return 1;
        }
        final Exception ex = root instanceof Exception e ? e : thrown;
        if (ex instanceof TraceFormatException || ex instanceof BadInputException
            || ex instanceof TraceCorruptException || ex instanceof IllegalArgumentException)
        {
            err.println(who + ": " + ex.getMessage());
            debug(ex, err);
            return EXIT_BAD_INPUT;
        }
        final FileSystemException fileProblem = ex instanceof FileSystemException f ? f
            : ex.getCause() instanceof FileSystemException f ? f : null;
        if (fileProblem != null)
        {
            err.println(who + ": " + FileProblem.describe(fileProblem));
            debug(ex, err);
            return FileProblem.isInputError(fileProblem) ? EXIT_BAD_INPUT : 1;
        }
        if (ex instanceof IllegalStateException || ex.getClass().getSimpleName().equals("RpcException"))
        {
            err.println(who + ": " + ex.getMessage());
            debug(ex, err);
            return 1;
        }
        if (ex instanceof UncheckedIOException || ex instanceof java.io.IOException)
        {
            final Throwable io = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
            err.println(who + ": I/O error: " + io.getMessage());
            debug(ex, err);
            return 1;
        }
        err.println(who + ": internal error: " + ex + " (set KVTIER_DEBUG=1 for the stack trace)");
        debug(ex, err);
        return 1;
    }

    private static void debug(final Exception ex, final PrintWriter err)
    {
        if (System.getenv("KVTIER_DEBUG") != null)
        {
            ex.printStackTrace(err);
        }
    }
}
