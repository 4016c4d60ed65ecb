package dev.kvtier.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every cluster field is checked before a run, one line naming the option that gave it, exit 2. */
class ClusterConfigCheckTest
{
    private static CliRun sim(final String... set)
    {
        final String[] args = new String[4 + set.length * 2];
        args[0] = "sim";
        args[1] = "--cluster";
        args[2] = "small-4";
        args[3] = "--no-progress";
        for (int i = 0; i < set.length; i++)
        {
            args[4 + 2 * i] = "--set";
            args[5 + 2 * i] = set[i];
        }
        return CliRun.of(args);
    }

    @Test
    void shouldRefuseValuesOutOfRangeBeforeTheRun()
    {
        for (final String bad : new String[] {"store.global_segment_size_gb=-1", "nic.latency_us=-100", "nic.gbps=0",
            "store.eviction_ratio=5", "serving.page_size=0", "nodes=0", "serving.compute_time_scale=0"})
        {
            final CliRun run = sim(bad);
            assertThat(run.exitCode()).as(bad + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(bad).contains("--set " + bad + ": must be").doesNotContain("internal error");
            assertThat(run.err().lines()).as(bad).hasSize(1);
        }
    }

    @Test
    void shouldRefuseDurationsAndScalesThatWouldOverflowTheSimulationClock()
    {
        // each of these once made a simulated time wrap to a negative number, reported without the field's name
        for (final String bad : new String[] {"serving.compute_time_scale=1e300", "nic.latency_us=1e16",
            "serving.request_overhead_ms=1e13"})
        {
            final CliRun run = sim(bad);
            assertThat(run.exitCode()).as(bad + ": " + run.err()).isEqualTo(2);
            final String field = bad.substring(0, bad.indexOf('='));
            assertThat(run.err()).as(bad).contains("--set " + field + "=", ": must be in")
                .doesNotContain("internal error", "9223372036854775807");
            assertThat(run.err().lines()).as(bad).hasSize(1);
        }
        assertThat(sim("serving.request_overhead_ms=86400000").exitCode()).as("a day is allowed").isZero();
        // prefetch deadlines saturate their sums: a huge timeout is a timeout that never fires, and still runs
        assertThat(sim("serving.prefetch_timeout_base_s=1e12").exitCode()).isZero();
    }

    @Test
    void shouldNameVaryForABadVaryPathAndSuggestTheNearestField()
    {
        final CliRun run = CliRun.of("compare", "--cluster", "small-4", "--no-progress", "--vary",
            "serving.prefetch_polcy=best_effort,timeout");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--vary serving.prefetch_polcy").doesNotContain("--set")
            .contains("did you mean 'serving.prefetch_policy'?");
    }

    @Test
    void shouldListTheFieldsWithTheirDefaultsInHelp()
    {
        final CliRun help = CliRun.of("sim", "--help");
        assertThat(help.out()).contains("serving.prefetch_policy", "default timeout", "nic.gbps",
            "store.eviction_ratio");
        final CliRun compare = CliRun.of("compare", "--help");
        assertThat(compare.out()).contains("router.cache_threshold");
    }

    @Test
    void shouldTakeSglangFlagNamesAsAliasesOfTheirFields()
    {
        final CliRun run = CliRun.of("sim", "--cluster", "small-4", "--synthetic-duration", "60", "--limit", "20",
            "--no-progress", "--json", "--no-timing", "--page-size", "32", "--hicache-storage-prefetch-policy",
            "wait_complete", "--hicache-storage-backend", "mooncake", "--hicache-ratio", "3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"page_size\" : 32", "\"prefetch_policy\" : \"wait_complete\"",
            "\"hicache_ratio\" : 3");
        final CliRun bad = CliRun.of("sim", "--cluster", "small-4", "--no-progress", "--page-size", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--page-size: sets serving.page_size=0: must be >= 1");
        final CliRun hits = CliRun.of("sim", "--no-progress", "--page-size", "32");
        assertThat(hits.exitCode()).isEqualTo(2);
        assertThat(hits.err()).contains("--page-size: not used in hits mode");
    }

    @Test
    void shouldRefuseMorePoolsThanTheHeapHoldsBeforeAllocatingThem()
    {
        final CliRun run = CliRun.of("sim", "--synthetic-duration", "60", "--nodes", "10000000", "--placement",
            "local", "--eviction", "lru", "--capacity-blocks", "1000", "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--nodes: 10,000,000 local pools", "MiB heap", "KVTIER_JAVA_OPTS");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void shouldRefuseAClusterWhoseCachesCannotFitTheHeapBeforeTheRun()
    {
        final CliRun run = CliRun.of("sim", "--cluster", "small-4", "--set", "nodes=10000000", "--limit", "10",
            "--synthetic-duration", "20", "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("10,000,000 instances", "MiB heap", "KVTIER_JAVA_OPTS");
        assertThat(run.err().lines()).hasSize(1);
    }
}
