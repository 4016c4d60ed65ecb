package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShardMergeTest
{
    private static final String[] SWEEP = {"--cluster", "small-4", "--synthetic-duration", "60", "--limit", "25",
        "--vary", "serving.write_policy=write_through,write_back",
        "--vary", "serving.prefetch_policy=best_effort,wait_complete", "--no-timing", "--no-progress",
        "--threads", "1"};

    @Test
    void shouldMergeThreeShardsIntoExactlyTheUnshardedReport(@TempDir final Path dir) throws Exception
    {
        final CliRun whole = CliRun.of(args("--json"));
        assertThat(whole.exitCode()).as(whole.err()).isZero();
        final List<String> merge = new ArrayList<>(List.of("merge"));
        for (final int i : new int[] {2, 0, 1})
        {
            final CliRun part = CliRun.of(args("--shard", i + "/3"));
            assertThat(part.exitCode()).as(part.err()).isZero();
            final Path file = dir.resolve("part-" + i + ".json");
            Files.writeString(file, part.out(), StandardCharsets.UTF_8);
            merge.add(file.toString());
        }
        final CliRun merged = CliRun.of(merge.toArray(String[]::new));
        assertThat(merged.exitCode()).as(merged.err()).isZero();
        assertThat(merged.out()).isEqualTo(whole.out());

        final CliRun missing = CliRun.of("merge", merge.get(1), merge.get(2));
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("shard 1/3 is missing");
        final CliRun twice = CliRun.of("merge", merge.get(1), merge.get(1), merge.get(2), merge.get(3));
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("give each shard once");

        // shard 1/3 of a sweep with the same shape (4 variants) but another --set: a part of another sweep
        final List<String> otherArgs = new ArrayList<>(List.of(args("--shard", "1/3")));
        otherArgs.addAll(List.of("--set", "nic.gbps=50"));
        final CliRun other = CliRun.of(otherArgs.toArray(String[]::new));
        assertThat(other.exitCode()).as(other.err()).isZero();
        final Path otherFile = Files.writeString(dir.resolve("other-1.json"), other.out(), StandardCharsets.UTF_8);
        final CliRun mixed = CliRun.of("merge", merge.get(1), merge.get(2), otherFile.toString(), "--out",
            dir.resolve("mixed.json").toString());
        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.err()).contains("other-1.json: a part of another sweep");
        assertThat(mixed.err().lines()).hasSize(1);
        assertThat(dir.resolve("mixed.json")).doesNotExist();
    }

    @Test
    void shouldNameASweepByItsTraceRecordsNotTheTracePath(@TempDir final Path dir) throws Exception
    {
        final Path a = trace(dir.resolve("a"), 0);
        final Path copy = Files.copy(a, Files.createDirectories(dir.resolve("c")).resolve("copy.jsonl"));
        final Path b = trace(dir.resolve("b"), 7);
        final Path part0 = shardOf(dir, a, 0);
        // the same records under another path and name: the same sweep
        final CliRun same = CliRun.of("merge", part0.toString(), shardOf(dir, copy, 1).toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        // another trace under the same file name: another sweep
        final CliRun other = CliRun.of("merge", part0.toString(), shardOf(dir, b, 1).toString());
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("a part of another sweep");
    }

    /** A five-request Mooncake trace named trace.jsonl in {@code dir}, its hash ids shifted by {@code shift}. */
    private static Path trace(final Path dir, final int shift) throws Exception
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++)
        {
            sb.append("{\"timestamp\": ").append(i * 1000).append(", \"input_length\": 1024, \"output_length\": 8, ")
                .append("\"hash_ids\": [").append(shift).append(", ").append(shift + i + 1).append("]}\n");
        }
        return Files.writeString(Files.createDirectories(dir).resolve("trace.jsonl"), sb, StandardCharsets.UTF_8);
    }

    private static Path shardOf(final Path dir, final Path trace, final int shard) throws Exception
    {
        final CliRun run = CliRun.of("compare", "--cluster", "small-4", "--trace", trace.toString(), "--vary",
            "serving.write_policy=write_through,write_back", "--no-timing", "--no-progress", "--threads", "1",
            "--shard", shard + "/2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Files.writeString(dir.resolve("part-" + trace.getParent().getFileName() + "-" + shard + ".json"),
            run.out(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRefuseAPartWithoutShardNumbers(@TempDir final Path dir) throws Exception
    {
        final Path part = Files.writeString(dir.resolve("p.json"), "{\"mode\": \"compare-shard\", \"shard\": \"x\"}");
        final CliRun run = CliRun.of("merge", part.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("p.json: 'shard' is missing or not a whole number");
    }

    @Test
    void shouldRefuseAMalformedShard()
    {
        final CliRun run = CliRun.of(args("--shard", "3/3"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--shard '3/3': want I/N with 0 <= I < N");
    }

    private static String[] args(final String... extra)
    {
        final List<String> a = new ArrayList<>(List.of("compare"));
        a.addAll(List.of(SWEEP));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }
}
