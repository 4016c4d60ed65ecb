package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SimCommandTest
{
    private static final String[] SMALL = {"--synthetic-duration", "200", "--no-progress"};

    private static String[] args(final String... extra)
    {
        final String[] all = new String[SMALL.length + 1 + extra.length];
        all[0] = "sim";
        System.arraycopy(SMALL, 0, all, 1, SMALL.length);
        System.arraycopy(extra, 0, all, 1 + SMALL.length, extra.length);
        return all;
    }

    @Test
    void shouldPrintAPolicyTableForTheBuiltInWorkload()
    {
        final CliRun run = CliRun.of(args());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("ideal (unbounded, global) hit ratio")
            .contains("lru ").contains("lfu ").contains("fifo ").contains("s3fifo ").contains("opt ");
    }

    @Test
    void shouldGiveIdenticalJsonForTheSameSeedAndTheDocumentedKeys() throws Exception
    {
        final CliRun a = CliRun.of(args("--json", "--capacity-blocks", "100,1000", "--eviction", "lru,opt"));
        final CliRun b = CliRun.of(args("--json", "--capacity-blocks", "100,1000", "--eviction", "lru,opt"));
        assertThat(a.exitCode()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        final JsonNode report = new ObjectMapper().readTree(a.out());
        assertThat(report.get("results")).hasSize(4);
        final JsonNode row = report.get("results").get(0);
        assertThat(row.get("eviction").asText()).isEqualTo("lru");
        assertThat(row.get("capacity_blocks").asInt()).isEqualTo(100);
        assertThat(row.get("nodes").asInt()).isEqualTo(1);
        assertThat(row.get("placement").asText()).isEqualTo("global");
        for (final String k : new String[] {"blocks", "tokens", "request_mean"})
        {
            assertThat(row.get("hit_ratio").get(k).asDouble()).isBetween(0.0, 1.0);
            assertThat(report.get("ideal_hit_ratio").get(k).asDouble())
                .isGreaterThanOrEqualTo(row.get("hit_ratio").get(k).asDouble());
        }
        assertThat(report.get("trace").get("requests").asInt()).isPositive();
        final CliRun otherSeed = CliRun.of(args("--json", "--capacity-blocks", "100,1000", "--eviction", "lru,opt",
            "--seed", "7"));
        assertThat(otherSeed.out()).isNotEqualTo(a.out());
    }

    @Test
    void shouldCompareGlobalAndLocalPlacement() throws Exception
    {
        final CliRun run = CliRun.of(args("--json", "--eviction", "lru", "--capacity-blocks", "2000", "--nodes", "4",
            "--placement", "global,local", "--routing", "round_robin,prefix_hash"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        final JsonNode rows = new ObjectMapper().readTree(run.out()).get("results");
        assertThat(rows).hasSize(3);
        final double global = rows.get(0).get("hit_ratio").get("tokens").asDouble();
        final double localRoundRobin = rows.get(1).get("hit_ratio").get("tokens").asDouble();
        final double localPrefix = rows.get(2).get("hit_ratio").get("tokens").asDouble();
        assertThat(global).isGreaterThan(localRoundRobin);
        assertThat(localPrefix).isGreaterThan(localRoundRobin);
    }

    @Test
    void shouldWriteJsonCsvAndPng(@TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("run");
        final CliRun run = CliRun.of(args("--out", out.toString(), "--capacity-blocks", "100,500,2000"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"ideal_hit_ratio\"");
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 3 * 6)
            .first().asString().startsWith("eviction,capacity_blocks,");
        final byte[] png = Files.readAllBytes(out.resolve("hit_ratio.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void shouldRejectBadFlagsWithOneLineAndExitTwo()
    {
        final CliRun policy = CliRun.of(args("--eviction", "lru,arc"));
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.err()).contains("--eviction").contains("unknown eviction policy 'arc'")
            .doesNotContain("Exception").doesNotContain("\tat ");
        final CliRun negative = CliRun.of(args("--capacity-blocks", "100,-5"));
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err().lines().findFirst().orElseThrow())
            .isEqualTo("kvtier sim: --capacity-blocks: -5 is negative; give block counts >= 0");
        final CliRun placement = CliRun.of(args("--placement", "everywhere"));
        assertThat(placement.exitCode()).isEqualTo(2);
        assertThat(placement.err()).contains("--placement: unknown placement 'everywhere'");
        final CliRun unknown = CliRun.of(args("--frobnicate"));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void shouldRejectAMalformedTraceNamingTheLine(@TempDir final Path dir) throws Exception
    {
        final Path trace = dir.resolve("bad.jsonl");
        Files.writeString(trace,
            "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 1, \"hash_ids\": [0, 1]}\n"
                + "{\"timestamp\": 5, \"input_length\": 600, \"output_length\": 1, \"hash_ids\": [0, \"x\"]}\n");
        final CliRun run = CliRun.of("sim", "--trace", trace.toString(), "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("kvtier sim: " + trace + ":2: field 'hash_ids': element 1 is the "
            + "string \"x\"; every id must be an integer");
        assertThat(Files.readString(trace)).as("input untouched").contains("\"x\"");
        final CliRun missing = CliRun.of("sim", "--trace", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--trace: no such file");
    }

    @Test
    void shouldReplayTheConversationTraceIdenticallyTwice()
    {
        final Path trace = Path.of("..", "..", "shared", "traces", "conversation_trace.jsonl");
        assumeTrue(Files.isRegularFile(trace), "conversation trace absent; skipping");
        final String[] cmd = {"sim", "--trace", trace.toString(), "--mode", "hits", "--eviction",
            "lru,lfu,fifo,s3fifo,opt", "--capacity-blocks", "1000,10000,30000,100000", "--json", "--no-progress"};
        final CliRun a = CliRun.of(cmd);
        final CliRun b = CliRun.of(cmd);
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out()).contains("\"requests\" : 12031");
    }

    @Test
    void noCommandShouldPrintTheUsageToStandardErrorAndExitWithTheUsageCode()
    {
        final CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("give a command").contains("sim").contains("server").contains("router");
        final CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: kvtier");
    }
}
