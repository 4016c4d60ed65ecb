package dev.kvtier.sim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvtier.model.cache.EvictionPolicy;
import dev.kvtier.sim.hits.HitCounts;
import dev.kvtier.sim.hits.HitResult;
import dev.kvtier.sim.hits.HitScenario;
import dev.kvtier.sim.hits.TraceStats;
import dev.kvtier.workloads.trace.TraceRecord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The report of a hit-rate sweep as JSON and CSV. Everything in it is a function of the trace, the scenarios and
 * the seed (no wall-clock figures), so the same command twice gives byte-identical files.
 */
public final class HitReport
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int DECIMALS = 6;
    private static final double MIN_GAP = 0.001;

    private final String traceName;
    private final TraceStats stats;
    private final HitCounts ideal;
    private final List<HitResult> results;
    private final long seed;

    public HitReport(final String traceName, final TraceStats stats, final HitCounts ideal,
        final List<HitResult> results, final long seed)
    {
        this.traceName = traceName;
        this.stats = stats;
        this.ideal = ideal;
        this.results = List.copyOf(results);
        this.seed = seed;
    }

    public List<HitResult> results()
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

    /**
     * Where a result lands between LRU and OPT of the same configuration, on the token-weighted ratio: 0 is LRU,
     * 1 is OPT. Empty when either was not run or OPT beats LRU by less than {@value #MIN_GAP} (a ratio of two
     * near-equal numbers says nothing).
     */
    public OptionalDouble gapClosed(final HitResult r)
    {
        final HitResult lru = sibling(r.scenario(), EvictionPolicy.LRU);
        final HitResult opt = sibling(r.scenario(), EvictionPolicy.OPT);
        if (lru == null || opt == null)
        {
            return OptionalDouble.empty();
        }
        final double gap = opt.counts().tokenRatio() - lru.counts().tokenRatio();
        if (gap < MIN_GAP)
        {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((r.counts().tokenRatio() - lru.counts().tokenRatio()) / gap);
    }

    private HitResult sibling(final HitScenario s, final EvictionPolicy policy)
    {
        for (final HitResult o : results)
        {
            final HitScenario t = o.scenario();
            if (t.policy() == policy && t.capacityBlocks() == s.capacityBlocks() && t.nodes() == s.nodes()
                && t.placement() == s.placement() && t.routing() == s.routing())
            {
                return o;
            }
        }
        return null;
    }

    /** The JSON report; keys are documented in the README. */
    public ObjectNode toJson()
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("mode", "hits");
        root.put("seed", seed);
        putTrace(root, traceName, stats);
        root.put("partial_last_block", "cached, one block of capacity");
        root.set("ideal_hit_ratio", ratios(ideal));
        final ArrayNode rows = root.putArray("results");
        for (final HitResult r : results)
        {
            final HitScenario s = r.scenario();
            final ObjectNode row = rows.addObject();
            row.put("eviction", s.policy().label());
            row.put("capacity_blocks", s.capacityBlocks());
            row.put("nodes", s.nodes());
            row.put("placement", s.placement().label());
            row.put("routing", s.routing().label());
            row.set("hit_ratio", ratios(r.counts()));
            row.put("hit_blocks", r.counts().hitBlocks());
            row.put("hit_tokens", r.counts().hitTokens());
            row.put("evictions", r.counts().evictions());
            final OptionalDouble gap = gapClosed(r);
            if (gap.isPresent())
            {
                row.put("lru_to_opt_gap_closed", round(gap.getAsDouble()));
            }
            else
            {
                row.putNull("lru_to_opt_gap_closed");
            }
        }
        return root;
    }

    /** The {@code trace} object every replay report starts with: the source and its size. */
    static void putTrace(final ObjectNode root, final String traceName, final TraceStats stats)
    {
        final ObjectNode trace = root.putObject("trace");
        trace.put("source", traceName);
        trace.put("requests", stats.requests());
        trace.put("span_s", round(stats.spanMs() / 1000.0));
        trace.put("input_tokens", stats.inputTokens());
        trace.put("output_tokens", stats.outputTokens());
        trace.put("mean_input_tokens", round(stats.meanInputTokens()));
        trace.put("mean_output_tokens", round(stats.meanOutputTokens()));
        trace.put("block_tokens", TraceRecord.BLOCK_TOKENS);
        trace.put("block_refs", stats.blockRefs());
        trace.put("unique_blocks", stats.uniqueBlocks());
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

    /** One CSV row per result, with a header. */
    public String toCsv()
    {
        final StringBuilder sb = new StringBuilder(
            "eviction,capacity_blocks,nodes,placement,routing,hit_ratio_blocks,hit_ratio_tokens,"
                + "hit_ratio_request_mean,hit_blocks,hit_tokens,evictions,lru_to_opt_gap_closed\n");
        for (final HitResult r : results)
        {
            final HitScenario s = r.scenario();
            final HitCounts c = r.counts();
            final OptionalDouble gap = gapClosed(r);
            sb.append(s.policy().label()).append(',').append(s.capacityBlocks()).append(',').append(s.nodes())
                .append(',').append(s.placement().label()).append(',').append(s.routing().label()).append(',')
                .append(fmt(c.blockRatio())).append(',').append(fmt(c.tokenRatio())).append(',')
                .append(fmt(c.requestMeanRatio())).append(',').append(c.hitBlocks()).append(',')
                .append(c.hitTokens()).append(',').append(c.evictions()).append(',')
                .append(gap.isPresent() ? fmt(gap.getAsDouble()) : "").append('\n');
        }
        return sb.toString();
    }

    private ObjectNode ratios(final HitCounts c)
    {
        final ObjectNode n = JSON.createObjectNode();
        n.put("blocks", round(c.blockRatio()));
        n.put("tokens", round(c.tokenRatio()));
        n.put("request_mean", round(c.requestMeanRatio()));
        return n;
    }

    static BigDecimal round(final double v)
    {
        return BigDecimal.valueOf(v).setScale(DECIMALS, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
