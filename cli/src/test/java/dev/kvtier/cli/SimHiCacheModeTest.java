package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kvtier sim --mode hicache}: documented keys, determinism across runs and thread counts, files, bad input. */
class SimHiCacheModeTest
{
    private static String[] args(final String... extra)
    {
        final List<String> all = new ArrayList<>(List.of("sim", "--mode", "hicache", "--synthetic-duration", "200",
            "--no-progress"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void shouldReportEveryPolicyWithTheDocumentedKeys() throws Exception
    {
        final CliRun run = CliRun.of(args("--json", "--l1-pages", "200", "--l2-pages", "100", "--l3-pages", "5000",
            "--nodes", "2", "--placement", "local"));
        assertThat(run.exitCode()).isZero();
        final JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("mode").asText()).isEqualTo("hicache");
        final JsonNode variants = report.get("variants");
        assertThat(variants).hasSize(4);
        final List<String> policies = new ArrayList<>();
        for (final JsonNode v : variants)
        {
            policies.add(v.get("policy").asText());
            assertThat(v.get("l1_pages").asInt()).isEqualTo(200);
            assertThat(v.get("l2_pages").asInt()).isEqualTo(100);
            assertThat(v.get("l3_pages").asInt()).isEqualTo(5000);
            for (final String group : new String[] {"hits", "token_hits"})
            {
                final JsonNode h = v.get(group);
                assertThat(h.get("l1_ratio").asDouble()).isLessThanOrEqualTo(h.get("l1_l2_ratio").asDouble());
                assertThat(h.get("total_ratio").asDouble()).isEqualTo(
                    h.get("l1_l2_ratio").asDouble() + h.get("l3_ratio").asDouble(), org.assertj.core.data.Offset
                        .offset(2e-6));
                assertThat(h.get("ideal_ratio").asDouble()).isGreaterThanOrEqualTo(h.get("total_ratio").asDouble());
            }
            for (final String k : new String[] {"l1", "l2", "l3"})
            {
                assertThat(v.get("evictions").get(k).asLong()).isNotNegative();
            }
            assertThat(v.get("demotions").asLong()).isNotNegative();
            assertThat(v.get("failed_l2_allocations").asLong()).isNotNegative();
            final JsonNode r = v.get("residency");
            assertThat(r.get("l1").asInt()).isLessThanOrEqualTo(200);
            assertThat(r.get("l2").asInt()).isLessThanOrEqualTo(100);
            assertThat(r.get("unique").asInt()).isEqualTo(r.get("l1").asInt() + r.get("l2").asInt()
                - r.get("both").asInt());
            assertThat(r.get("duplicate_ratio").asDouble()).isBetween(0.0, 1.0);
            assertThat(v.get("l3").get("puts").asLong()).isNotNegative();
            assertThat(v.get("l3").get("gets").asLong()).isNotNegative();
        }
        assertThat(policies).containsExactly("write_through", "write_through_selective", "write_back",
            "boundary_l1_l2");
        assertThat(variants.get(3).get("demotions").asLong()).isPositive();
        assertThat(variants.get(0).get("l3").get("gets").asLong()).isPositive();
    }

    @Test
    void shouldGiveByteIdenticalJsonForTheSameSeedWhateverTheThreads()
    {
        final String[] grid = {"--json", "--l1-pages", "50,100,200", "--l2-pages", "25,100,400", "--l3-pages",
            "0,3000"};
        final CliRun one = CliRun.of(concat(args(grid), "--threads", "1"));
        final CliRun two = CliRun.of(concat(args(grid), "--threads", "2"));
        final CliRun again = CliRun.of(concat(args(grid), "--threads", "2"));
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).isEqualTo(two.out()).isEqualTo(again.out());
        assertThat(CliRun.of(concat(args(grid), "--seed", "7")).out()).isNotEqualTo(one.out());
    }

    @Test
    void shouldWriteTheReportCsvAndPlots(@TempDir final Path dir) throws Exception
    {
        final CliRun run = CliRun.of(args("--l1-pages", "50,100", "--l2-pages", "25,100", "--write-policy",
            "write_through,boundary_l1_l2", "--out", dir.toString()));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("boundary_l1_l2").contains("L1+L2");
        assertThat(Files.readAllLines(dir.resolve("results.csv"))).hasSize(9);
        for (final String f : new String[] {"report.json", "hits_by_tier.png", "l1_l2_heatmap_write_through.png",
            "l1_l2_heatmap_boundary_l1_l2.png"})
        {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
    }

    @Test
    void shouldRefuseBadInputWithOneLine()
    {
        final CliRun policy = CliRun.of(args("--write-policy", "write_around"));
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.err().strip()).contains("--write-policy").contains("boundary_l1_l2").doesNotContain("\n");
        final CliRun pages = CliRun.of(args("--l2-pages", "-3"));
        assertThat(pages.exitCode()).isEqualTo(2);
        assertThat(pages.err().strip()).contains("--l2-pages").doesNotContain("\n");
        final CliRun threshold = CliRun.of(args("--write-through-threshold", "0"));
        assertThat(threshold.exitCode()).isEqualTo(2);
        assertThat(threshold.err().strip()).contains("--write-through-threshold");
    }

    private static String[] concat(final String[] a, final String... b)
    {
        final String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
