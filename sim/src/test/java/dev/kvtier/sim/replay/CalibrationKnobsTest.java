package dev.kvtier.sim.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.cluster.ClusterLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CalibrationKnobsTest
{
    @Test
    void shouldSearchRatesAndLatencyByFactorsAndTheOverheadUpToTheRecordedTtft()
    {
        final ObjectNode start = ClusterLoader.tree("small-4", Map.of("nic.gbps", "100",
            "serving.request_overhead_ms", "2", "serving.compute_time_scale", "1.5", "nic.latency_us", "10"));
        final List<Calibration.Knob> knobs = CalibrationKnobs.of(
            List.of("nic.latency_us", "serving.compute_time_scale", "nic.gbps", "serving.request_overhead_ms"),
            start, Map.of("ttft_p50_ms", 40.0));
        // in the fields' own order, whatever the order asked
        assertThat(knobs).containsExactly(
            new Calibration.Knob("serving.request_overhead_ms", 2, 0, 40, false),
            new Calibration.Knob("nic.gbps", 100, 100.0 / 64, 6400, true),
            new Calibration.Knob("serving.compute_time_scale", 1.5, 1.5 / 8, 96, true),
            new Calibration.Knob("nic.latency_us", 10, 1.25, 2560, true));
    }

    @Test
    void shouldFitTheTwoMeasuredConstantsByDefaultAndSearchAZeroLatencyFromOneMicrosecond()
    {
        assertThat(CalibrationKnobs.DEFAULT_FIT).containsExactly("serving.request_overhead_ms", "nic.gbps");
        final ObjectNode start = ClusterLoader.tree("small-4", Map.of("nic.latency_us", "0",
            "serving.request_overhead_ms", "50"));
        final List<Calibration.Knob> knobs = CalibrationKnobs.of(List.of("nic.latency_us",
            "serving.request_overhead_ms"), start, Map.of("ttft_p50_ms", 20.0));
        assertThat(knobs.get(0).max()).as("an overhead above the TTFT keeps its start as the bound").isEqualTo(50);
        assertThat(knobs.get(1).start()).isEqualTo(1);
    }
}
