package dev.kvtier.sim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.sim.hicache.HiCacheCounts;
import dev.kvtier.sim.hicache.HiCacheResult;
import dev.kvtier.sim.hicache.HiCacheScenario;
import dev.kvtier.sim.hits.HitCounts;
import dev.kvtier.sim.hits.TraceStats;

import java.util.List;
import java.util.Locale;

/**
 * The report of a clock-free HiCache replay ({@code kvtier sim --mode hicache}) as JSON and CSV: per variant the
 * hits by tier over pages and over tokens, evictions, demotions, failed host allocations, end residency and L3
 * traffic. Everything in it is a function of the trace, the variants and the seed, so the same command twice gives
 * byte-identical files.
 */
public final class HiCacheReport
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String traceName;
    private final TraceStats stats;
    private final HitCounts ideal;
    private final List<HiCacheResult> results;
    private final long seed;

    /**
     * @param ideal the unbounded ceiling ({@code HitReplay.ideal}): every page cached forever
     */
    public HiCacheReport(final String traceName, final TraceStats stats, final HitCounts ideal,
        final List<HiCacheResult> results, final long seed)
    {
        this.traceName = traceName;
        this.stats = stats;
        this.ideal = ideal;
        this.results = List.copyOf(results);
        this.seed = seed;
    }

    public List<HiCacheResult> results()
    {
        return results;
    }

    public HitCounts ideal()
    {
        return ideal;
    }

    public TraceStats stats()
    {
        return stats;
    }

    /** The JSON report; keys are documented in the README. */
    public ObjectNode toJson()
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "hicache");
        root.put("seed", seed);
        HitReport.putTrace(root, traceName, stats);
        final ArrayNode rows = root.putArray("variants");
        for (final HiCacheResult r : results)
        {
            final HiCacheScenario s = r.scenario();
            final HiCacheCounts c = r.counts();
            final ObjectNode row = rows.addObject();
            row.put("policy", s.policy().cliName());
            row.put("l1_pages", s.l1Pages());
            row.put("l2_pages", s.l2Pages());
            row.put("l3_pages", s.l3Pages());
            row.put("write_through_threshold", s.cacheThreshold());
            row.put("nodes", s.nodes());
            row.put("placement", s.placement().label());
            row.put("routing", s.routing().label());
            final ObjectNode hits = row.putObject("hits");
            putRatios(hits, c.l1Ratio(), c.l1L2Ratio(), c.l3Ratio(), c.totalRatio(), ideal.blockRatio());
            final ObjectNode tokenHits = row.putObject("token_hits");
            putRatios(tokenHits, c.l1TokenRatio(), c.l1L2TokenRatio(), c.l3TokenRatio(), c.totalTokenRatio(),
                ideal.tokenRatio());
            final ObjectNode evictions = row.putObject("evictions");
            evictions.put("l1", c.l1Evictions());
            evictions.put("l2", c.l2Evictions());
            evictions.put("l3", c.l3Evictions());
            row.put("demotions", c.demotions());
            row.put("failed_l2_allocations", c.failedL2Allocations());
            final ObjectNode residency = row.putObject("residency");
            residency.put("l1", c.residentL1());
            residency.put("l2", c.residentL2());
            residency.put("both", c.residentBoth());
            residency.put("unique", c.residentUnique());
            residency.put("duplicate_ratio", HitReport.round(c.duplicateRatio()));
            final ObjectNode l3 = row.putObject("l3");
            l3.put("puts", c.l3Puts());
            l3.put("gets", c.l3Gets());
        }
        return root;
    }

    private static void putRatios(final ObjectNode n, final double l1, final double l1l2, final double l3,
        final double total, final double idealRatio)
    {
        n.put("l1_ratio", HitReport.round(l1));
        n.put("l1_l2_ratio", HitReport.round(l1l2));
        n.put("l3_ratio", HitReport.round(l3));
        n.put("total_ratio", HitReport.round(total));
        n.put("ideal_ratio", HitReport.round(idealRatio));
    }

    public String toJsonString()
    {
        try
        {
            return JSON.writeValueAsString(toJson()) + System.lineSeparator();
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** One CSV row per variant, with a header; the JSON's nested keys joined by underscores. */
    public String toCsv()
    {
        final StringBuilder sb = new StringBuilder("policy,l1_pages,l2_pages,l3_pages,write_through_threshold,nodes,"
            + "placement,routing,l1_ratio,l1_l2_ratio,l3_ratio,total_ratio,ideal_ratio,token_l1_ratio,"
            + "token_l1_l2_ratio,token_l3_ratio,token_total_ratio,token_ideal_ratio,evictions_l1,evictions_l2,"
            + "evictions_l3,demotions,failed_l2_allocations,residency_l1,residency_l2,residency_both,"
            + "residency_unique,residency_duplicate_ratio,l3_puts,l3_gets\n");
        for (final HiCacheResult r : results)
        {
            final HiCacheScenario s = r.scenario();
            final HiCacheCounts c = r.counts();
            sb.append(s.policy().cliName()).append(',').append(s.l1Pages()).append(',').append(s.l2Pages())
                .append(',').append(s.l3Pages()).append(',').append(s.cacheThreshold()).append(',')
                .append(s.nodes()).append(',').append(s.placement().label()).append(',')
                .append(s.routing().label());
            for (final double v : new double[] {c.l1Ratio(), c.l1L2Ratio(), c.l3Ratio(), c.totalRatio(),
                ideal.blockRatio(), c.l1TokenRatio(), c.l1L2TokenRatio(), c.l3TokenRatio(), c.totalTokenRatio(),
                ideal.tokenRatio()})
            {
                sb.append(',').append(fmt(v));
            }
            for (final long v : new long[] {c.l1Evictions(), c.l2Evictions(), c.l3Evictions(), c.demotions(),
                c.failedL2Allocations(), c.residentL1(), c.residentL2(), c.residentBoth(), c.residentUnique()})
            {
                sb.append(',').append(v);
            }
            sb.append(',').append(fmt(c.duplicateRatio())).append(',').append(c.l3Puts()).append(',')
                .append(c.l3Gets()).append('\n');
        }
        return sb.toString();
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
