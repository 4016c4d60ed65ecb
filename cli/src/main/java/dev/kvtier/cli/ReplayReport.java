package dev.kvtier.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.replay.RecordedCluster;
import dev.kvtier.sim.replay.RecordedWorkload;
import dev.kvtier.sim.replay.ReplayMetrics;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.sim.sweep.ServingVariant;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code kvtier replay} prints: per metric the recorded value, the simulated value of the recorded
 * configuration and its error, then each what-if variant's value and error against the same recording; as a
 * console table or as JSON (keys in the README). The figures are {@link ReplayMetrics}'; this type only lays
 * them out.
 */
final class ReplayReport
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RecordedWorkload workload;
    private final RecordedCluster cluster;
    private final long seed;
    private final List<ServingVariant> runs;
    private final List<ServingResult> results;
    private final Map<String, Double> recorded;
    private final long outcomes;

    ReplayReport(final RecordedWorkload workload, final RecordedCluster cluster, final long seed,
        final List<ServingVariant> runs, final List<ServingResult> results)
    {
        this.workload = workload;
        this.cluster = cluster;
        this.seed = seed;
        this.runs = runs;
        this.results = results;
        this.outcomes = workload.outcomes().stream().filter(Objects::nonNull).count();
        this.recorded = outcomes == 0 ? null : ReplayMetrics.ofRecorded(workload.arrivals(), workload.outcomes());
    }

    String json()
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "replay");
        root.put("trace_dir", workload.dir().toString());
        root.put("origin", workload.header().origin());
        root.put("recorder", cluster.kind().name().toLowerCase(Locale.ROOT));
        root.put("source", workload.header().source());
        root.put("seed", seed);
        root.put("requests", workload.arrivals().size());
        root.put("outcomes", outcomes);
        final ArrayNode notes = root.putArray("notes");
        cluster.notes().forEach(notes::add);
        if (workload.unmatchedOutcomes() > 0)
        {
            notes.add(workload.unmatchedOutcomes() + " outcomes matched no arrival and were left out");
        }
        root.put("variant", runs.get(0).label());
        root.set("cluster", ClusterLoader.toTree(results.get(0).plan().config()));
        metrics(root.putObject("metrics"), results.get(0));
        final ArrayNode variants = root.putArray("variants");
        for (int i = 1; i < runs.size(); i++)
        {
            final ObjectNode v = variants.addObject();
            v.put("variant", runs.get(i).label());
            final ObjectNode o = v.putObject("overrides");
            runs.get(i).overrides().forEach(o::put);
            metrics(v.putObject("metrics"), results.get(i));
        }
        try
        {
            return JSON.writeValueAsString(root) + "\n";
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private void metrics(final ObjectNode into, final ServingResult result)
    {
        final Map<String, Double> simulated = ReplayMetrics.of(result.records());
        for (final String name : ReplayMetrics.NAMES)
        {
            final ObjectNode m = into.putObject(name);
            final Double rec = recorded == null ? null : recorded.get(name);
            m.put("recorded", rec);
            m.put("simulated", simulated.get(name));
            m.put("error", ReplayMetrics.error(name, rec, simulated.get(name)));
            m.put("error_kind", ReplayMetrics.isRatio(name) ? "absolute" : "relative");
        }
    }

    String table()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "replay of %s: origin %s (%s), %d requests, %d outcomes, seed %d%n",
            workload.dir(), workload.header().origin(), workload.header().source(), workload.arrivals().size(),
            outcomes, seed));
        for (final String note : cluster.notes())
        {
            sb.append("note: ").append(note).append(System.lineSeparator());
        }
        if (runs.size() > 1 || !runs.get(0).label().equals("recorded"))
        {
            sb.append("simulated: the ").append(runs.get(0).label()).append(" configuration")
                .append(System.lineSeparator());
        }
        final List<Map<String, Double>> simulated = results.stream().map(r -> ReplayMetrics.of(r.records()))
            .toList();
        final boolean[] left = new boolean[2 + 3 * runs.size()];
        left[0] = true;
        for (int i = 0; i < runs.size(); i++)
        {
            left[2 + 3 * i] = true;
        }
        final ConsoleTable table = new ConsoleTable(left, " ");
        final List<String> header = new java.util.ArrayList<>(List.of("metric", "recorded"));
        for (int i = 0; i < runs.size(); i++)
        {
            header.add("|");
            header.add(i == 0 ? "simulated" : runs.get(i).label());
            header.add("error");
        }
        table.row(header.toArray(String[]::new));
        for (final String name : ReplayMetrics.NAMES)
        {
            final Double rec = recorded == null ? null : recorded.get(name);
            final List<String> row = new java.util.ArrayList<>(List.of(name, value(name, rec)));
            for (final Map<String, Double> sim : simulated)
            {
                row.add("|");
                row.add(value(name, sim.get(name)));
                row.add(error(name, ReplayMetrics.error(name, rec, sim.get(name))));
            }
            table.row(row.toArray(String[]::new));
        }
        sb.append(table.render());
        sb.append("error: simulated - recorded for ratios (pp = percentage points), (simulated - recorded) / "
            + "recorded otherwise").append(System.lineSeparator());
        return sb.toString();
    }

    private static String value(final String name, final Double v)
    {
        if (v == null)
        {
            return "-";
        }
        if (ReplayMetrics.isRatio(name))
        {
            return String.format(Locale.ROOT, "%.4f", v);
        }
        if (name.startsWith("prefetch_"))
        {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, name.endsWith("_ms") ? "%.1f" : "%.2f", v);
    }

    private static String error(final String name, final Double e)
    {
        if (e == null)
        {
            return "-";
        }
        return ReplayMetrics.isRatio(name) ? String.format(Locale.ROOT, "%+.2fpp", e * 100)
            : String.format(Locale.ROOT, "%+.1f%%", e * 100);
    }
}
