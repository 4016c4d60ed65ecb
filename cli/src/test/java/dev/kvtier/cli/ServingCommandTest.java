package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServingCommandTest
{
    private static final String[] SMALL = {"--cluster", "small-4", "--limit", "300", "--synthetic-duration", "200",
        "--no-progress"};

    private static String[] args(final String... extra)
    {
        final String[] out = new String[1 + SMALL.length + extra.length];
        out[0] = "sim";
        System.arraycopy(SMALL, 0, out, 1, SMALL.length);
        System.arraycopy(extra, 0, out, 1 + SMALL.length, extra.length);
        return out;
    }

    @Test
    void shouldReportTheDocumentedKeysAndBeIdenticalForTheSameSeed() throws Exception
    {
        final CliRun a = CliRun.of(args("--json", "--no-timing"));
        final CliRun b = CliRun.of(args("--json", "--no-timing"));
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        final JsonNode j = new ObjectMapper().readTree(a.out());
        for (final String key : new String[] {"/ttft_ms/p50", "/ttft_ms/p99", "/itl_ms/p50", "/e2e_ms/p99",
            "/hits/device_tokens", "/hits/host_tokens", "/hits/storage_tokens", "/hits/ideal_ratio",
            "/prefetch/timed_out", "/slo/attainment", "/throughput/requests_per_s", "/bytes/l3_read",
            "/sim/events"})
        {
            assertThat(j.at(key).isMissingNode()).as(key).isFalse();
        }
        assertThat(j.at("/finished").asInt()).isEqualTo(300);
        final JsonNode timed = new ObjectMapper().readTree(CliRun.of(args("--json")).out());
        assertThat(timed.at("/performance/real_time_factor").asDouble()).isPositive();
    }

    @Test
    void shouldCompareThePrefetchPoliciesSideBySide() throws Exception
    {
        final CliRun run = CliRun.of("compare", "--cluster", "small-4", "--limit", "300", "--synthetic-duration",
            "200", "--set", "router.policy=round_robin", "--set", "nic.protocol=tcp", "--set", "nic.gbps=10",
            "--vary", "serving.prefetch_policy=best_effort,wait_complete,timeout", "--json", "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isZero();
        final JsonNode v = new ObjectMapper().readTree(run.out()).get("variants");
        assertThat(v).hasSize(3);
        final JsonNode best = v.get(0);
        final JsonNode wait = v.get(1);
        // waiting for L3 buys hits; best effort never waits
        assertThat(wait.at("/hits/storage_tokens").asLong()).isGreaterThan(best.at("/hits/storage_tokens").asLong());
        assertThat(best.at("/prefetch/requests_delayed").asLong()).isZero();
        assertThat(wait.at("/prefetch/requests_delayed").asLong()).isPositive();
        final CliRun table = CliRun.of("compare", "--cluster", "small-4", "--limit", "100", "--synthetic-duration",
            "200", "--vary", "serving.write_policy=write_through,write_back", "--no-progress");
        assertThat(table.out()).contains("write_policy=write_through", "write_policy=write_back", "TTFT p50");
    }

    @Test
    void shouldRejectBadClusterInputWithOneLineAndExitTwo()
    {
        final CliRun unknown = CliRun.of("sim", "--cluster", "small-4", "--set", "serving.nope=1");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).contains("serving.nope").doesNotContain("\n");
        final CliRun badValue = CliRun.of("sim", "--cluster", "small-4", "--set", "serving.prefetch_policy=soon");
        assertThat(badValue.exitCode()).isEqualTo(2);
        assertThat(badValue.err()).contains("best_effort, wait_complete or timeout");
        final CliRun noFile = CliRun.of("sim", "--cluster", "missing.json");
        assertThat(noFile.exitCode()).isEqualTo(2);
        assertThat(noFile.err()).contains("neither a preset");
    }

    @Test
    void shouldRejectMalformedClusterFilesAndBadTimingFlags(
        @org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        final java.nio.file.Path broken = dir.resolve("broken.json");
        java.nio.file.Files.writeString(broken, "{\"nodes\": 2,\n \"gpu\": }");
        final CliRun malformed = CliRun.of("sim", "--cluster", broken.toString());
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("malformed JSON at line 2");
        final java.nio.file.Path unknown = dir.resolve("unknown.json");
        java.nio.file.Files.writeString(unknown, "{\"serving\": {\"page_sise\": 64}}");
        final CliRun typo = CliRun.of("sim", "--cluster", unknown.toString());
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("serving.page_sise");
        assertThat(java.nio.file.Files.readString(unknown)).isEqualTo("{\"serving\": {\"page_sise\": 64}}");
        final CliRun rate = CliRun.of("sim", "--cluster", "small-4", "--rate-scale", "0");
        assertThat(rate.exitCode()).isEqualTo(2);
        assertThat(rate.err()).contains("--rate-scale");
        final CliRun model = CliRun.of("sim", "--cluster", "small-4", "--model-path", dir.resolve("none").toString());
        assertThat(model.exitCode()).isEqualTo(2);
        assertThat(model.err()).contains("--model-path");
        final CliRun vary = CliRun.of("compare", "--cluster", "small-4", "--vary", "serving.write_policy");
        assertThat(vary.exitCode()).isEqualTo(2);
        assertThat(vary.err()).contains("PATH=VALUE1,VALUE2");
    }
}
