package dev.kvtier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.sim.serving.PageCatalog;
import dev.kvtier.sim.serving.ServingOptions;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.sim.serving.ServingSimulation;
import dev.kvtier.workloads.trace.TraceRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one or more serving variants of the same trace and seed — in parallel, one simulation per core, each on its
 * own thread and runtime, sharing the page catalog — and renders them side by side: a console table, a JSON
 * document, per-request CSVs and plots.
 */
final class ServingVariants
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One variant: a label and the config overrides that define it. */
    record Variant(String label, Map<String, String> overrides)
    {
    }

    private ServingVariants()
    {
    }

    static List<ServingReport> run(final ServingSetup setup, final List<Variant> variants,
        final List<TraceRecord> trace, final String traceName, final long seed, final int threads,
        final ProgressReporter progress) throws Exception
    {
        final ServingOptions options = setup.options(seed);
        final List<TraceRecord> records = options.limit() > 0 && options.limit() < trace.size()
            ? trace.subList(0, options.limit()) : trace;
        final List<ClusterPlan> plans = new ArrayList<>();
        for (final Variant v : variants)
        {
            plans.add(setup.plan(v.overrides()));
        }
        final Map<Integer, PageCatalog> catalogs = new HashMap<>();
        for (final ClusterPlan p : plans)
        {
            catalogs.computeIfAbsent(p.cache().pageSize(), size -> PageCatalog.build(records, size));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, variants.size())));
        try
        {
            final List<Future<ServingResult>> futures = new ArrayList<>();
            for (final ClusterPlan p : plans)
            {
                final PageCatalog catalog = catalogs.get(p.cache().pageSize());
                futures.add(pool.submit(() -> ServingSimulation.run(p, records, options, catalog,
                    done -> progress.accept(1))));
            }
            final List<ServingReport> reports = new ArrayList<>();
            for (int i = 0; i < variants.size(); i++)
            {
                reports.add(new ServingReport(traceName, variants.get(i).label(), futures.get(i).get(),
                    setup.ttftSloMs, setup.itlSloMs));
            }
            return reports;
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /** Cartesian product of {@code path=a,b,c} specifications, in the order given. */
    static List<Variant> product(final List<String> specs)
    {
        List<Variant> out = List.of(new Variant("", new LinkedHashMap<>()));
        for (final String spec : specs)
        {
            final int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1)
            {
                throw new BadInputException("--vary " + spec + ": expected PATH=VALUE1,VALUE2,... e.g. "
                    + "serving.prefetch_policy=best_effort,wait_complete,timeout");
            }
            final String path = spec.substring(0, eq);
            final List<Variant> next = new ArrayList<>();
            for (final Variant v : out)
            {
                for (final String value : spec.substring(eq + 1).split(","))
                {
                    final Map<String, String> o = new LinkedHashMap<>(v.overrides());
                    o.put(path, value);
                    final String leaf = path.substring(path.lastIndexOf('.') + 1);
                    next.add(new Variant(v.label().isEmpty() ? leaf + "=" + value
                        : v.label() + " " + leaf + "=" + value, o));
                }
            }
            out = next;
        }
        return out;
    }

    static String table(final List<ServingReport> reports)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-36s %9s %9s %8s %8s %7s %7s %7s %7s %6s %6s %6s %8s%n",
            "variant", "TTFT p50", "TTFT p99", "ITL p50", "SLO", "hit", "device", "host", "storage", "pf ok",
            "pf cut", "pf t/o", "RTF"));
        sb.append(String.format(Locale.ROOT, "%-36s %9s %9s %8s %8s %7s %7s %7s %7s %6s %6s %6s %8s%n",
            "", "(ms)", "(ms)", "(ms)", "", "", "", "", "", "", "", "", "(x)"));
        for (final ServingReport r : reports)
        {
            final ObjectNode t = r.tree(true);
            sb.append(String.format(Locale.ROOT, "%-36s %9.0f %9.0f %8.1f %8.3f %7.3f %7.3f %7.3f %7.3f %6d %6d %6d %8.0f%n",
                r.variant().length() > 36 ? r.variant().substring(0, 36) : r.variant(),
                t.at("/ttft_ms/p50").asDouble(), t.at("/ttft_ms/p99").asDouble(), t.at("/itl_ms/p50").asDouble(),
                t.at("/slo/attainment").asDouble(), t.at("/hits/total_ratio").asDouble(),
                t.at("/hits/device_ratio").asDouble(), t.at("/hits/host_ratio").asDouble(),
                t.at("/hits/storage_ratio").asDouble(), t.at("/prefetch/completed").asLong(),
                t.at("/prefetch/partial").asLong(), t.at("/prefetch/timed_out").asLong(),
                t.at("/performance/real_time_factor").asDouble()));
        }
        if (!reports.isEmpty())
        {
            final ObjectNode t = reports.get(0).tree(false);
            sb.append(String.format(Locale.ROOT, "ideal prefix hit %.3f; pf ok/cut/t-o = prefetches completed, "
                    + "partial (best_effort), timed out; RTF = simulated s per wall s%n",
                t.at("/hits/ideal_ratio").asDouble()));
        }
        return sb.toString();
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

    static void writeOutputs(final Path dir, final List<ServingReport> reports, final boolean withPerformance)
        throws Exception
    {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("report.json"),
            (reports.size() == 1 ? reports.get(0).json(withPerformance) : compareJson(reports, withPerformance))
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < reports.size(); i++)
        {
            final String name = reports.size() == 1 ? "requests.csv" : "requests-" + i + ".csv";
            AtomicFiles.write(dir.resolve(name), reports.get(i).csv().getBytes(StandardCharsets.UTF_8));
        }
        AtomicFiles.write(dir.resolve("ttft_cdf.png"), ServingPlot.ttftCdf(reports));
        AtomicFiles.write(dir.resolve("hits_by_tier.png"), ServingPlot.hitsByTier(reports));
    }
}
