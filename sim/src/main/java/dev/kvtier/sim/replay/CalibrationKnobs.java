package dev.kvtier.sim.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.cluster.ClusterPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which cluster config fields a calibration may fit, and the range each is searched over: where the search may go
 * is a modelling decision (a front end's overhead cannot exceed the TTFT it is part of; a rate or a latency is off
 * by factors, not by amounts), so it lives beside {@link Calibration}'s search rather than in a command. The
 * overhead is searched up to the recorded TTFT p50, the rate from 1/64 to 64 times its start, the compute time
 * scale from 1/8 to 64 times its start, the latency (its start the protocol's when the config leaves it at -1) from
 * 1/8 to 256 times its start; the three factor ranges in log space.
 */
public final class CalibrationKnobs
{
    /** Every field a calibration can fit, as {@code --set} names them. */
    public static final List<String> FIELDS = List.of("serving.request_overhead_ms", "nic.gbps",
        "serving.compute_time_scale", "nic.latency_us");
    /** The fields fitted unless others are named: the two constants every live run measures. */
    public static final List<String> DEFAULT_FIT = FIELDS.subList(0, 2);

    private CalibrationKnobs()
    {
    }

    /**
     * The knobs of the fields in {@code fit} (in {@link #FIELDS}' order), each starting from the cluster config
     * tree {@code start} (never from a recording's header: a live header has none of them, and a simulator's would
     * hand over the answer).
     *
     * @param recorded the recording's {@link ReplayMetrics} figures; its {@code ttft_p50_ms} bounds the overhead
     */
    public static List<Calibration.Knob> of(final List<String> fit, final ObjectNode start,
        final Map<String, Double> recorded)
    {
        final List<Calibration.Knob> knobs = new ArrayList<>();
        for (final String path : FIELDS)
        {
            if (!fit.contains(path))
            {
                continue;
            }
            final double v = path.equals("nic.latency_us") ? startLatencyUs(start)
                : start.at("/" + path.replace('.', '/')).asDouble();
            knobs.add(switch (path)
            {
                case "nic.gbps" -> new Calibration.Knob(path, v, v / 64, v * 64, true);
                case "serving.compute_time_scale" -> new Calibration.Knob(path, v, v / 8, v * 64, true);
                case "nic.latency_us" -> new Calibration.Knob(path, v, v / 8, v * 256, true);
                case "serving.request_overhead_ms" ->
                    new Calibration.Knob(path, v, 0, Math.max(v, recorded.get("ttft_p50_ms")), false);
                default -> throw new IllegalStateException("no search range for " + path);
            });
        }
        return knobs;
    }

    /**
     * The one-way latency the start's cluster runs with, µs, as {@link ClusterPlan#latencyNs} reads it; a start of 0
     * is searched from 1 µs, since the search steps by factors.
     */
    private static double startLatencyUs(final ObjectNode start)
    {
        final double us = ClusterPlan.latencyNs(start.at("/nic/latency_us").asDouble(-1),
            start.at("/nic/protocol").asText("tcp")) / 1000.0;
        return Math.max(us, 1.0);
    }
}
