package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's choice of collector and JIT per command line ({@code KVTIER_PRINT_JVM_OPTS=1 ./kvtier …}): the
 * rules are shell, and a wrong one makes every run of a command slower or a long simulation run on C1 alone
 * without any report changing, so only a test of the choice itself sees it.
 */
class LauncherJvmOptionsTest
{
    private static final String C1_ALONE = "-XX:TieredStopAtLevel=1";
    private static final String C2_THRESHOLDS = "-XX:Tier4InvocationThreshold=50000";
    private static final String THROUGHPUT_COLLECTOR = "-XX:+UseParallelGC";
    private static final Path LAUNCHER = Path.of("..", "kvtier").toAbsolutePath().normalize();

    @Test
    void shouldCompileTheRunsItKnowsAreShortWithC1Alone()
    {
        assertThat(options("sim")).contains(C1_ALONE, THROUGHPUT_COLLECTOR).doesNotContain(C2_THRESHOLDS);
        assertThat(options("sim", "--json", "--seed", "7", "--no-progress")).contains(C1_ALONE);
        assertThat(options("--help")).contains(C1_ALONE).doesNotContain(THROUGHPUT_COLLECTOR);
        assertThat(options("compare", "--help")).contains(C1_ALONE).doesNotContain(C2_THRESHOLDS);
    }

    @Test
    void shouldKeepC2WithRaisedThresholdsForSimulationsOfUnknownSize()
    {
        for (final List<String> args : List.of(
            List.of("sim", "--cluster", "mooncake-16", "--trace", "trace.jsonl"),
            List.of("sim", "--synthetic-duration", "600"),
            List.of("compare", "--trace", "trace.jsonl", "--cluster", "small-4", "--vary", "nodes=2,4"),
            List.of("generate", "--duration", "60")))
        {
            assertThat(options(args.toArray(String[]::new))).as(String.join(" ", args))
                .contains(THROUGHPUT_COLLECTOR, C2_THRESHOLDS, "-XX:Tier4BackEdgeThreshold=400000")
                .doesNotContain(C1_ALONE);
        }
    }

    @Test
    void shouldLeaveLiveProcessesOnTheJvmDefaults()
    {
        assertThat(options("server", "--port", "0").isBlank()).isTrue();
        assertThat(options("master").isBlank()).isTrue();
    }

    @Test
    void shouldCallAHicacheRunShortWhileVariantsTimesTraceBytesStayWithinFiftyMegabytes(@TempDir final Path dir)
        throws IOException
    {
        final Path trace = dir.resolve("trace.jsonl");
        try (RandomAccessFile file = new RandomAccessFile(trace.toFile(), "rw"))
        {
            file.setLength(3_000_000);
        }
        final String t = trace.toString();
        // the four write policies of a 3 MB trace: 12 MB
        assertThat(options("sim", "--mode", "hicache", "--trace", t)).contains(C1_ALONE);
        assertThat(options("sim", "--mode=hicache", "--trace=" + t, "--l1-pages", "1000,2000", "--json"))
            .contains(C1_ALONE);
        // 4 policies x 5 L1 sizes: 60 MB
        assertThat(options("sim", "--mode", "hicache", "--trace", t, "--l1-pages", "1,2,3,4,5"))
            .contains(C2_THRESHOLDS).doesNotContain(C1_ALONE);
        // a list option given twice holds both lists
        assertThat(options("sim", "--mode", "hicache", "--trace", t, "--write-policy", "write_back",
            "--l1-pages", "1,2,3,4,5,6,7,8", "--l1-pages", "9,10")).contains(C1_ALONE);
        assertThat(options("sim", "--mode", "hicache", "--trace", t, "--write-policy", "write_back",
            "--l1-pages", "1,2,3,4,5,6,7,8", "--l1-pages", "9,10,11,12,13,14,15,16,17")).contains(C2_THRESHOLDS);
        // an option the rule does not know makes the run long
        assertThat(options("sim", "--mode", "hicache", "--trace", t, "--set", "nodes=2")).contains(C2_THRESHOLDS);
        assertThat(options("sim", "--mode", "hits", "--trace", t)).contains(C2_THRESHOLDS);
    }

    private static String options(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("KVTIER_PRINT_JVM_OPTS", "1");
            final Process process = builder.start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(out).isZero();
            return out.trim();
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
