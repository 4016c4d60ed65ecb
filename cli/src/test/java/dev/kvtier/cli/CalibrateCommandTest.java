package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

final class CalibrateCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path record(final String knob)
    {
        final Path rec = dir.resolve("rec");
        final CliRun sim = CliRun.of("sim", "--cluster", "small-4", "--limit", "400", "--synthetic-duration", "300",
            "--set", "router.policy=round_robin", "--set", knob, "--no-progress", "--trace-dir", rec.toString());
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        return rec;
    }

    @Test
    void recoversTheNicRateARecordingRanAtAndShrinksTheReplayErrors() throws Exception
    {
        // recorded at 25 Gbps; calibrate starts from small-4's 100 Gbps (and no overhead), not from the header
        final Path rec = record("nic.gbps=25");
        final Path out = dir.resolve("calibrated.json");
        final CliRun run = CliRun.of("calibrate", "--trace-dir", rec.toString(), "--cluster", "small-4", "--json",
            "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        final JsonNode r = JSON.readTree(run.out());
        assertThat(r.at("/fitted/nic.gbps").asDouble()).isCloseTo(25, within(25 * 0.15));
        assertThat(r.at("/fitted/serving.request_overhead_ms").asDouble()).isBetween(0.0, 10.0);
        assertThat(r.get("loss_after").asDouble()).isLessThan(r.get("loss_before").asDouble() / 100);
        for (final String name : new String[] {"ttft_p50_ms", "ttft_p99_ms"})
        {
            final JsonNode m = r.at("/metrics/" + name);
            assertThat(Math.abs(m.get("error_before").asDouble())).as(name).isGreaterThan(0.3);
            assertThat(Math.abs(m.get("error_after").asDouble())).as(name).isLessThan(0.05);
        }
        assertThat(r.at("/metrics/hit_ratio_storage/error_after").asDouble()).isCloseTo(0, within(0.005));

        // the written config is a cluster config replay takes, with the fitted values
        final JsonNode config = JSON.readTree(Files.readString(out));
        assertThat(config.at("/nic/gbps").asDouble()).isEqualTo(r.at("/fitted/nic.gbps").asDouble());
        assertThat(config).isEqualTo(r.get("cluster"));
        final CliRun replay = CliRun.of("replay", "--trace-dir", rec.toString(), "--cluster", out.toString(),
            "--json", "--no-progress");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
    }

    @Test
    void recoversAPerRequestOverhead() throws Exception
    {
        final Path rec = record("serving.request_overhead_ms=30");
        final CliRun run = CliRun.of("calibrate", "--trace-dir", rec.toString(), "--cluster", "small-4", "--fit",
            "serving.request_overhead_ms", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        final JsonNode r = JSON.readTree(run.out());
        assertThat(r.at("/fitted/serving.request_overhead_ms").asDouble()).isCloseTo(30, within(3.0));
        assertThat(Math.abs(r.at("/metrics/ttft_p50_ms/error_after").asDouble())).isLessThan(0.02);
    }

    @Test
    void badInputIsOneLineAndExit2()
    {
        final CliRun unknown = CliRun.of("calibrate", "--trace-dir", dir.toString(), "--fit", "nic.count");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("kvtier calibrate: --fit: unknown field 'nic.count'; fit "
            + "serving.request_overhead_ms, nic.gbps, serving.compute_time_scale, nic.latency_us");
        final CliRun missing = CliRun.of("calibrate", "--trace-dir", dir.resolve("none").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip().lines()).hasSize(1);
    }
}
