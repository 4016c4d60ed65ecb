package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.workloads.recorded.RecordedTrace;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

final class TraceCommandTest
{
    @TempDir
    Path dir;

    @Test
    void exportImportExportIsLosslessOnTheBuiltInWorkload() throws Exception
    {
        final Path generated = dir.resolve("chat.jsonl");
        assertThat(CliRun.of("generate", "--out", generated.toString(), "--duration", "300").exitCode()).isZero();
        final Path once = roundTrip(generated, "a");
        final Path twice = roundTrip(once, "b");
        assertThat(Files.readString(once)).isEqualTo(Files.readString(generated));
        assertThat(Files.readString(twice)).isEqualTo(Files.readString(once));
    }

    @Test
    void exportImportExportIsLosslessOnTheConversationTrace() throws Exception
    {
        final Path trace = Path.of("..", "..", "shared", "traces", "conversation_trace.jsonl");
        assumeTrue(Files.isRegularFile(trace), "conversation trace absent; skipping");
        final Path once = roundTrip(trace, "a");
        final Path twice = roundTrip(once, "b");
        assertThat(Files.readString(twice)).isEqualTo(Files.readString(once));
        assertThat(records(once)).hasSize(12031).isEqualTo(records(trace));
        final CliRun stats = CliRun.of("trace", "stats", "--trace-dir", dir.resolve("a").toString(), "--json");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        final JsonNode j = new ObjectMapper().readTree(stats.out());
        assertThat(j.at("/trace/requests").asInt()).isEqualTo(12031);
        assertThat(j.at("/ideal_hit_ratio/tokens").asDouble()).isCloseTo(0.3736, within(0.0001));
        assertThat(j.at("/origin").asText()).isEqualTo(TraceHeader.ORIGIN_IMPORT);
    }

    @Test
    void simTraceDirRecordsOneArrivalAndOneOutcomePerRequestAndLeavesTheReportAlone() throws Exception
    {
        final Path rec = dir.resolve("rec");
        final String[] base = {"sim", "--cluster", "small-4", "--limit", "300", "--synthetic-duration", "200",
            "--json", "--no-timing", "--no-progress"};
        final CliRun plain = CliRun.of(base);
        final CliRun recorded = CliRun.of(concat(base, "--trace-dir", rec.toString()));
        assertThat(recorded.exitCode()).as(recorded.err()).isZero();
        assertThat(recorded.out()).isEqualTo(plain.out());
        assertThat(recorded.err()).contains("recorded 300 requests");
        final JsonNode report = new ObjectMapper().readTree(plain.out());
        try (RecordedTrace trace = RecordedTrace.open(rec))
        {
            final TraceHeader h = trace.header();
            assertThat(h.origin()).isEqualTo(TraceHeader.ORIGIN_SIM);
            assertThat(h.seed()).isEqualTo(42);
            assertThat(new ObjectMapper().readTree(h.configJson()).get("cluster"))
                .isEqualTo(report.at("/cluster/config"));
            final List<TraceArrival> arrivals = trace.arrivals();
            final List<TraceOutcome> outcomes = trace.outcomes();
            assertThat(arrivals).extracting(TraceArrival::requestId).doesNotHaveDuplicates().hasSize(300);
            assertThat(outcomes).extracting(TraceOutcome::requestId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(arrivals.stream().map(TraceArrival::requestId).toList());
            assertThat(outcomes.stream().mapToLong(TraceOutcome::storageTokens).sum())
                .isEqualTo(report.at("/hits/storage_tokens").asLong());
            assertThat(outcomes.stream().mapToLong(TraceOutcome::deviceTokens).sum())
                .isEqualTo(report.at("/hits/device_tokens").asLong());
            assertThat(outcomes).allSatisfy(o -> assertThat(o.e2eNs()).isGreaterThanOrEqualTo(o.ttftNs()));
            assertThat(arrivals).isSortedAccordingTo((a, b) -> Long.compare(a.timeNs(), b.timeNs()));
        }
        final CliRun again = CliRun.of(concat(base, "--trace-dir", rec.toString()));
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--trace-dir").contains("not empty");
    }

    @Test
    void aCutTraceFailsWithOneLineNamingTheFileAndTheLastGoodIndex() throws Exception
    {
        final Path generated = dir.resolve("chat.jsonl");
        assertThat(CliRun.of("generate", "--out", generated.toString(), "--duration", "900").exitCode()).isZero();
        final Path rec = dir.resolve("rec");
        assertThat(CliRun.of("trace", "import", "--in", generated.toString(), "--trace-dir", rec.toString())
            .exitCode()).isZero();
        final Path file;
        try (Stream<Path> s = Files.list(rec))
        {
            file = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            f.setLength(200_000);
        }
        final CliRun run = CliRun.of("trace", "stats", "--trace-dir", rec.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n").contains(file.toString()).contains("cut short")
            .containsPattern("last good index 0x[0-9a-f]+");
    }

    private Path roundTrip(final Path jsonl, final String name)
    {
        final Path rec = dir.resolve(name);
        final Path out = dir.resolve(name + ".jsonl");
        final CliRun in = CliRun.of("trace", "import", "--in", jsonl.toString(), "--trace-dir", rec.toString());
        assertThat(in.exitCode()).as(in.err()).isZero();
        final CliRun ex = CliRun.of("trace", "export", "--trace-dir", rec.toString(), "--format", "mooncake-jsonl",
            "--out", out.toString());
        assertThat(ex.exitCode()).as(ex.err()).isZero();
        return out;
    }

    private static List<TraceRecord> records(final Path jsonl) throws Exception
    {
        final List<TraceRecord> out = new ArrayList<>();
        try (MooncakeTraceReader r = MooncakeTraceReader.open(jsonl))
        {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    private static String[] concat(final String[] a, final String... b)
    {
        final String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
