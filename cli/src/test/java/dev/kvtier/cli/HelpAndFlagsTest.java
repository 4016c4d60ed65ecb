package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Help that speaks in words, and upstream's master flags taken or refused by name. */
class HelpAndFlagsTest
{
    private static final Pattern JAVA_NAME = Pattern.compile("<[a-z]+[A-Z][A-Za-z0-9]*>");

    @Test
    void noHelpShouldShowAJavaFieldNameAsAPlaceholder()
    {
        final List<String> commands = new ArrayList<>();
        walk(KvtierCommand.all(), "", commands);
        assertThat(commands).contains("master", "sim", "trace stats");
        for (final String command : commands)
        {
            final List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            final CliRun help = CliRun.of(args.toArray(String[]::new));
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(JAVA_NAME.matcher(help.out()).find()).as(command + ":\n" + help.out()).isFalse();
        }
        assertThat(CliRun.of("master", "--help").out()).contains("--eviction-high-watermark-ratio=RATIO",
            "--enable-http-metadata-server[=true|false]");
    }

    private static void walk(final CommandLine cli, final String prefix, final List<String> out)
    {
        cli.getSubcommands().forEach((name, sub) ->
        {
            if (!name.equals("help"))
            {
                final String full = (prefix + " " + name).trim();
                if (sub.getSubcommands().isEmpty())
                {
                    out.add(full);
                }
                walk(sub, full, out);
            }
        });
    }

    @Test
    void shouldRefuseUpstreamMasterFlagsItDoesNotImplementByName()
    {
        for (final String flag : new String[] {"--enable_ha", "--etcd_endpoints=a:1", "--enable-offload",
            "--memory_allocator=cachelib"})
        {
            final CliRun run = CliRun.of("master", "--rpc-port", "0", flag);
            assertThat(run.exitCode()).as(flag).isEqualTo(2);
            assertThat(run.err()).as(flag).contains("an upstream mooncake_master flag that kvtier master does not "
                + "implement").doesNotContain("Unknown option");
            assertThat(run.err().lines()).as(flag).hasSize(1);
        }
    }

    @Test
    void shouldReadUpstreamsMasterConfigFile(@TempDir final Path dir) throws Exception
    {
        final Path unsupported = Files.writeString(dir.resolve("ha.json"),
            "{\"rpc_port\": 0, \"enable_ha\": true}");
        final CliRun ha = CliRun.of("master", "--config_path", unsupported.toString());
        assertThat(ha.exitCode()).isEqualTo(2);
        assertThat(ha.err()).contains("--config_path " + unsupported, "--enable_ha: an upstream mooncake_master flag");
        final Path yaml = Files.writeString(dir.resolve("master.yaml"), "rpc_port: 0\n");
        final CliRun y = CliRun.of("master", "--config_path=" + yaml);
        assertThat(y.exitCode()).isEqualTo(2);
        assertThat(y.err()).contains("not JSON", "not YAML");
        final Path bad = Files.writeString(dir.resolve("bad.json"), "{\"client_ttl\": 0}");
        final CliRun ttl = CliRun.of("master", "--config_path", bad.toString());
        assertThat(ttl.exitCode()).isEqualTo(2);
        assertThat(ttl.err()).contains("--client-ttl must be > 0");
        final CliRun wins = CliRun.of("master", "--config_path", bad.toString(), "--client_ttl", "-3");
        assertThat(wins.err()).as("the command line wins over the file").contains("got -3");
    }

    @Test
    void shouldPrintUsageOnStandardErrorWithExit2WithNoCommand()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertThat(Main.run(new String[0], new PrintWriter(out, true), new PrintWriter(err, true))).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("Usage: kvtier");
    }

    @Test
    void shouldLogOneLinePerEventAtTheLevelAsked()
    {
        assertThat(System.getProperty("java.util.logging.SimpleFormatter.format")).isEqualTo(LogSetup.FORMAT);
        final java.util.logging.LogRecord r = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
            "segment {0} unmounted");
        r.setParameters(new Object[] {"127.0.0.1:12300"});
        r.setLoggerName("dev.kvtier.live.runtime.ErrorHandler");
        final String line = new java.util.logging.SimpleFormatter().format(r);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARNING "
            + "dev.kvtier.live.runtime.ErrorHandler: segment 127.0.0.1:12300 unmounted\\R");
        final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        final java.util.logging.Level before = root.getLevel();
        try
        {
            assertThat(CliRun.of("--log-level", "debug", "generate", "--duration", "5", "--out", "-").exitCode())
                .isZero();
            assertThat(root.getLevel()).isEqualTo(java.util.logging.Level.FINE);
            assertThat(CliRun.of("generate", "--log-level", "error", "--duration", "5", "--out", "-").exitCode())
                .isZero();
            assertThat(root.getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
        }
        finally
        {
            LogSetup.level(before == null ? java.util.logging.Level.INFO : before);
        }
        final CliRun bad = CliRun.of("sim", "--log-level", "loud");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--log-level: 'loud' is not a level");
    }
}
