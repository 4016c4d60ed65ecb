package dev.kvtier.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a first run meets: options a mode would ignore, capacities that hold the whole trace, long variant names. */
class NewcomerCliTest
{
    @Test
    void shouldRefuseHitsOptionsInServingModeAndServingOptionsInHitsMode()
    {
        final CliRun capacity = CliRun.of("sim", "--cluster", "small-4", "--capacity-blocks", "100", "--no-progress");
        final CliRun s3fifo = CliRun.of("sim", "--cluster", "small-4", "--eviction", "s3fifo", "--no-progress");
        assertThat(s3fifo.exitCode()).isEqualTo(2);
        assertThat(s3fifo.err()).contains("--eviction: 's3fifo' is not an L1/L2 eviction policy");
        assertThat(capacity.exitCode()).isEqualTo(2);
        assertThat(capacity.err()).contains("--capacity-blocks: not used in serving mode");
        assertThat(capacity.err().lines()).hasSize(1);
        final CliRun nodes = CliRun.of("sim", "--mode", "serving", "--nodes", "4", "--no-progress");
        assertThat(nodes.exitCode()).isEqualTo(2);
        assertThat(nodes.err()).contains("--nodes: not used in serving mode");
        final CliRun limit = CliRun.of("sim", "--limit", "10", "--no-progress");
        assertThat(limit.exitCode()).isEqualTo(2);
        assertThat(limit.err()).contains("--limit: not used in hits mode");
        final CliRun set = CliRun.of("sim", "--set", "nodes=2", "--no-progress");
        assertThat(set.exitCode()).isEqualTo(2);
        assertThat(set.err()).contains("--set: not used in hits mode");
    }

    @Test
    void shouldWarnWhenACapacityHoldsTheWholeTrace()
    {
        final CliRun run = CliRun.of("sim", "--synthetic-duration", "60", "--eviction", "lru", "--capacity-blocks",
            "10,100000", "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: --capacity-blocks 100,000 holds all").doesNotContain("blocks 10 ");
    }

    @Test
    void shouldSizeTheCompareTableToItsVariantNames()
    {
        final CliRun run = CliRun.of("compare", "--cluster", "small-4", "--synthetic-duration", "60", "--limit", "30",
            "--vary", "serving.write_policy=write_through,write_back",
            "--vary", "serving.prefetch_policy=best_effort,wait_complete", "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("write_policy=write_through prefetch_policy=best_effort ",
            "write_policy=write_through prefetch_policy=wait_complete ",
            "write_policy=write_back prefetch_policy=best_effort ",
            "write_policy=write_back prefetch_policy=wait_complete ");
        final var lines = run.out().lines().toList();
        final int ttft = lines.get(0).indexOf("TTFT p50");
        assertThat(lines.get(2).charAt(ttft + "TTFT p50".length() - 1)).isNotEqualTo(' ');
    }

    @Test
    void shouldTakeTheEvictionPolicyInServingMode()
    {
        final String[] base = {"sim", "--cluster", "small-4", "--synthetic-duration", "120", "--limit", "200",
            "--set", "serving.device_pages=64", "--set", "serving.host_pages=128", "--json", "--no-timing",
            "--no-progress"};
        final CliRun lru = CliRun.of(base);
        final CliRun fifo = CliRun.of(concat(base, "--eviction", "fifo"));
        final CliRun alias = CliRun.of(concat(base, "--radix-eviction-policy", "fifo"));
        assertThat(lru.exitCode()).as(lru.err()).isZero();
        assertThat(fifo.exitCode()).as(fifo.err()).isZero();
        assertThat(lru.out()).doesNotContain("eviction_policy");
        assertThat(fifo.out()).contains("\"eviction_policy\" : \"fifo\"").isNotEqualTo(lru.out());
        assertThat(alias.out()).isEqualTo(fifo.out());
    }

    @Test
    void shouldTakeLfuInServingModeAndTellItFromLruOnTheConversationTrace() throws Exception
    {
        final java.nio.file.Path trace = java.nio.file.Path.of("..", "..", "shared", "traces",
            "conversation_trace.jsonl");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(trace),
            "conversation trace not in ../shared/traces; skipping");
        final String[] base = {"sim", "--cluster", "small-4", "--trace", trace.toString(), "--limit", "600",
            "--set", "serving.hicache_ratio=1", "--json", "--no-timing", "--no-progress"};
        final CliRun lru = CliRun.of(base);
        final CliRun lfu = CliRun.of(concat(base, "--set", "serving.eviction_policy=lfu"));
        final CliRun again = CliRun.of(concat(base, "--eviction", "lfu"));
        assertThat(lfu.exitCode()).as(lfu.err()).isZero();
        assertThat(again.out()).as("same seed, same report; --eviction lfu is the field").isEqualTo(lfu.out());
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        final var lruHits = json.readTree(lru.out()).get("hits");
        final var lfuHits = json.readTree(lfu.out()).get("hits");
        assertThat(json.readTree(lfu.out()).at("/cluster/config/serving/eviction_policy").asText()).isEqualTo("lfu");
        assertThat(lfuHits.get("input_tokens")).isEqualTo(lruHits.get("input_tokens"));
        assertThat(lfuHits.get("device_tokens").asLong()).as("L1 keeps other pages under LFU")
            .isNotEqualTo(lruHits.get("device_tokens").asLong());
        final CliRun server = CliRun.of("server", "--radix-eviction-policy", "mru");
        assertThat(server.exitCode()).isEqualTo(2);
        assertThat(server.err()).contains("use lru, lfu or fifo");
    }

    private static String[] concat(final String[] a, final String... b)
    {
        final String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
