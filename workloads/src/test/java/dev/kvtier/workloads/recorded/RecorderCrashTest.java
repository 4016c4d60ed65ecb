package dev.kvtier.workloads.recorded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A recording process killed without closing loses nothing it had appended; a half-written document is skipped. */
final class RecorderCrashTest
{
    @TempDir
    Path dir;

    @Test
    void everythingAppendedBeforeAHaltIsRead() throws Exception
    {
        assertThat(runChild(dir, "3000")).contains("appended 3000");
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThat(trace.header().origin()).isEqualTo(TraceHeader.ORIGIN_LIVE);
            assertThat(trace.arrivals()).hasSize(3000).last().isEqualTo(RecordedTraceTest.arrival(2999));
            assertThat(trace.outcomes()).hasSize(3000).last().isEqualTo(RecordedTraceTest.outcome(2999));
        }
    }

    @Test
    void aDocumentBeingWrittenAtTheCrashIsLeftOutAndTheRestRead() throws Exception
    {
        assertThat(runChild(dir, "500", "mid")).contains("mid-document").contains("appended 500");
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThat(trace.arrivals()).hasSize(500);
            assertThat(trace.outcomes()).hasSize(500);
        }
    }

    private static String runChild(final Path dir, final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Dchronicle"))
            {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashingRecorder.class.getName());
        cmd.add(dir.toString());
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        return out;
    }
}
