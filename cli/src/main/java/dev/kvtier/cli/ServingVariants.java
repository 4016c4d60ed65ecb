package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.cluster.HuggingFaceConfig;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.sim.serving.ServingOptions;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.sim.sweep.ServingSweep;
import dev.kvtier.sim.sweep.ServingVariant;
import dev.kvtier.sim.sweep.SweepShard;
import dev.kvtier.workloads.trace.TraceRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serving variants of the same trace and seed from the command line: their cluster plans from the shared options,
 * the sweep that runs them ({@link ServingSweep}), and their rendering side by side: a console table, a JSON
 * document, per-request CSVs and plots.
 */
final class ServingVariants
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ServingVariants()
    {
    }

    static List<ServingReport> run(final ServingSetup setup, final List<ServingVariant> variants,
        final List<TraceRecord> trace, final String traceName, final long seed, final int threads,
        final ProgressReporter progress) throws Exception
    {
        final ServingOptions options = setup.options(seed);
        final List<ClusterPlan> plans = new ArrayList<>();
        for (final ServingVariant v : variants)
        {
            plans.add(setup.plan(v.overrides()));
        }
        requireHeap(plans, threads);
        final List<ServingResult> results = ServingSweep.run(plans, trace, options, threads, progress);
        final List<ServingReport> reports = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++)
        {
            reports.add(new ServingReport(traceName, variants.get(i).label(), results.get(i), setup.ttftSloMs,
                setup.itlSloMs));
        }
        return reports;
    }

    /**
     * Bytes an instance takes before it holds a page (its radix cache's first slots, its router tree, its decode
     * latency histogram, queues and counters), measured from a heap histogram of a 1,024-node run; an instance's
     * caches grow from there with the pages it holds, so a cluster that fits this much can at least start.
     */
    private static final long BYTES_PER_IDLE_INSTANCE = 320 * 1024;

    /**
     * Refuses, before building anything, variants whose instances alone cannot fit the heap (a cluster of
     * 10,000,000 nodes), with the memory they would need and the heap there is.
     */
    static void requireHeap(final List<ClusterPlan> plans, final int threads)
    {
        long widest = 0;
        ClusterPlan largest = plans.get(0);
        for (final ClusterPlan p : plans)
        {
            final long bytes = p.instances() * BYTES_PER_IDLE_INSTANCE;
            if (bytes > widest)
            {
                widest = bytes;
                largest = p;
            }
        }
        final long need = widest * Math.min(threads, plans.size());
        final long heap = Runtime.getRuntime().maxMemory();
        if (need > heap * 0.8)
        {
            throw new BadInputException(String.format(Locale.ROOT, "cluster config: %,d instances (nodes %,d x "
                    + "gpus_per_node %d / tp %d) need about %,d MiB before their caches hold a page, more than the "
                    + "JVM's %,d MiB heap; give fewer nodes or more heap (KVTIER_JAVA_OPTS=-Xmx%dg)",
                largest.instances(),
                largest.config().nodes(), largest.config().gpusPerNode(), largest.config().tp(), need >> 20,
                heap >> 20, Math.max(1, (long)Math.ceil(need * 1.25 / (1L << 30)))));
        }
    }

    /** The variants of {@code --vary} specifications, as {@link ServingVariant#product}. */
    static List<ServingVariant> product(final List<String> specs)
    {
        try
        {
            return ServingVariant.product(specs);
        }
        catch (final IllegalArgumentException e)
        {
            throw new BadInputException(e.getMessage());
        }
    }

    static String table(final List<ServingReport> reports)
    {
        final StringBuilder sb = new StringBuilder();
        final ConsoleTable table = ConsoleTable.labelled(13)
            .row("variant", "TTFT p50", "TTFT p99", "ITL p50", "SLO", "hit", "device", "host", "storage", "pf ok",
                "pf cut", "pf t/o", "RTF")
            .row("", "(ms)", "(ms)", "(ms)", "", "", "", "", "", "", "", "", "(x)");
        for (final ServingReport r : reports)
        {
            final ObjectNode t = r.tree(true);
            table.row(r.variant(), fixed(t.at("/ttft_ms/p50").asDouble(), 0), fixed(t.at("/ttft_ms/p99").asDouble(), 0),
                fixed(t.at("/itl_ms/p50").asDouble(), 1), fixed(t.at("/slo/attainment").asDouble(), 3),
                fixed(t.at("/hits/total_ratio").asDouble(), 3), fixed(t.at("/hits/device_ratio").asDouble(), 3),
                fixed(t.at("/hits/host_ratio").asDouble(), 3), fixed(t.at("/hits/storage_ratio").asDouble(), 3),
                Long.toString(t.at("/prefetch/completed").asLong()), Long.toString(t.at("/prefetch/partial").asLong()),
                Long.toString(t.at("/prefetch/timed_out").asLong()),
                fixed(t.at("/performance/real_time_factor").asDouble(), 0));
        }
        sb.append(table.render());
        if (!reports.isEmpty())
        {
            final ObjectNode t = reports.get(0).tree(false);
            sb.append(String.format(Locale.ROOT, "ideal prefix hit %.3f; pf ok/cut/t-o = prefetches completed, "
                    + "partial (best_effort), timed out; RTF = simulated s per wall s%n",
                t.at("/hits/ideal_ratio").asDouble()));
        }
        return sb.toString();
    }

    private static String fixed(final double v, final int decimals)
    {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String compareJson(final List<ServingReport> reports, final boolean withPerformance) throws Exception
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "compare");
        final ArrayNode arr = root.putArray("variants");
        for (final ServingReport r : reports)
        {
            arr.add(r.tree(withPerformance));
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    /**
     * What names one sweep, so that {@code merge} can tell parts of another one: a digest of the trace's records,
     * the seed, the replay options, the SLO limits, the model (as read from its config, wherever the file was
     * given from) and every variant's label and resolved cluster config, in sweep order. Two shard runs of one
     * sweep print the same digest.
     */
    static String sweepId(final ServingSetup setup, final List<ServingVariant> variants,
        final List<TraceRecord> records, final long seed) throws Exception
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(records.size()).append(' ').append(recordsHash(records)).append('\n').append(seed).append('\n')
            .append(setup.options(seed)).append('\n').append(setup.ttftSloMs).append(' ').append(setup.itlSloMs)
            .append('\n');
        if (setup.modelPath != null)
        {
            sb.append(HuggingFaceConfig.read(setup.modelPath));
        }
        sb.append('\n');
        for (final ServingVariant v : variants)
        {
            final Map<String, String> all = setup.allOverrides();
            all.putAll(v.overrides());
            sb.append(v.label()).append('\n').append(ClusterLoader.tree(
                setup.cluster == null ? ServingSetup.DEFAULT_CLUSTER : setup.cluster, all)).append('\n');
        }
        final byte[] digest = MessageDigest.getInstance("SHA-256")
            .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    /** Every field of every record, in order: two traces with the same records (wherever read from) agree. */
    private static long recordsHash(final List<TraceRecord> records)
    {
        long h = 1;
        for (final TraceRecord r : records)
        {
            h = 31 * (31 * (31 * h + r.timestampMs()) + r.inputLength()) + r.outputLength();
            for (final long id : r.hashIds())
            {
                h = 31 * h + id;
            }
            h = 31 * h + r.hashIds().length;
        }
        return h;
    }

    /**
     * A shard's partial compare report: which shard, how many variants the whole sweep has, and each variant's
     * report with its position in the sweep; {@link MergeCommand} puts the parts back together.
     */
    static String shardJson(final SweepShard shard, final int total, final List<Integer> positions,
        final List<ServingReport> reports, final boolean withPerformance, final String sweepId) throws Exception
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "compare-shard");
        root.put("sweep", sweepId);
        root.put("shard", shard.index());
        root.put("shards", shard.count());
        root.put("variants_total", total);
        final ArrayNode arr = root.putArray("variants");
        for (int i = 0; i < reports.size(); i++)
        {
            final ObjectNode v = arr.addObject();
            v.put("index", positions.get(i));
            v.set("report", reports.get(i).tree(withPerformance));
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    /** The whole compare report from the variants' report trees in sweep order, as {@link #compareJson} prints it. */
    static String compareJsonOfTrees(final List<? extends JsonNode> trees)
        throws Exception
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "compare");
        final ArrayNode arr = root.putArray("variants");
        trees.forEach(arr::add);
        return JSON.writeValueAsString(root) + "\n";
    }

    static void writeOutputs(final Path dir, final List<ServingReport> reports, final boolean withPerformance)
        throws Exception
    {
        OutputFile.directory(dir, "--out");
        OutputFile.write(dir.resolve("report.json"),
            (reports.size() == 1 ? reports.get(0).json(withPerformance) : compareJson(reports, withPerformance))
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < reports.size(); i++)
        {
            final String name = reports.size() == 1 ? "requests.csv" : "requests-" + i + ".csv";
            OutputFile.write(dir.resolve(name), reports.get(i).csv().getBytes(StandardCharsets.UTF_8));
        }
        OutputFile.write(dir.resolve("ttft_cdf.png"), ServingPlot.ttftCdf(reports));
        OutputFile.write(dir.resolve("hits_by_tier.png"), ServingPlot.hitsByTier(reports));
    }
}
