package dev.kvtier.cli;

import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hits.HitCounts;
import dev.kvtier.sim.hits.HitResult;
import dev.kvtier.sim.hits.HitScenario;
import dev.kvtier.sim.hits.TraceStats;
import dev.kvtier.sim.report.HitReport;

import java.util.Locale;
import java.util.OptionalDouble;

/** The console summary of a hit-rate sweep: one row per scenario, the ceiling on top. */
final class HitTable
{
    private HitTable()
    {
    }

    static String render(final HitReport report, final String source, final double wallSeconds)
    {
        final StringBuilder sb = new StringBuilder();
        final TraceStats s = report.stats();
        final HitCounts ideal = report.ideal();
        sb.append("kvtier sim --mode hits: ").append(source).append('\n');
        sb.append(String.format(Locale.ROOT,
            "%,d requests, %,d block refs, %,d unique blocks, mean input %.0f tokens, span %.0f s%n",
            s.requests(), s.blockRefs(), s.uniqueBlocks(), s.meanInputTokens(), s.spanMs() / 1000.0));
        sb.append(String.format(Locale.ROOT,
            "ideal (unbounded, global) hit ratio: blocks %.4f  tokens %.4f  request mean %.4f%n%n",
            ideal.blockRatio(), ideal.tokenRatio(), ideal.requestMeanRatio()));
        final boolean showTopology = report.results().stream()
            .anyMatch(r -> r.scenario().nodes() > 1 || r.scenario().placement() == PoolPlacement.LOCAL);
        if (showTopology)
        {
            sb.append(String.format(Locale.ROOT, "%-8s %10s %5s %-9s %-12s %10s %10s %10s %10s%n", "eviction",
                "capacity", "nodes", "placement", "routing", "hit blocks", "hit tokens", "req mean", "gap closed"));
        }
        else
        {
            sb.append(String.format(Locale.ROOT, "%-8s %10s %10s %10s %10s %10s%n", "eviction", "capacity",
                "hit blocks", "hit tokens", "req mean", "gap closed"));
        }
        for (final HitResult r : report.results())
        {
            final HitScenario sc = r.scenario();
            final HitCounts c = r.counts();
            final OptionalDouble gap = report.gapClosed(r);
            final String gapText = gap.isPresent() ? String.format(Locale.ROOT, "%.3f", gap.getAsDouble()) : "-";
            if (showTopology)
            {
                final String routing =
                    sc.placement() == PoolPlacement.LOCAL && sc.nodes() > 1 ? sc.routing().label() : "-";
                sb.append(String.format(Locale.ROOT, "%-8s %,10d %5d %-9s %-12s %10.4f %10.4f %10.4f %10s%n",
                    sc.policy().label(), sc.capacityBlocks(), sc.nodes(), sc.placement().label(), routing,
                    c.blockRatio(), c.tokenRatio(), c.requestMeanRatio(), gapText));
            }
            else
            {
                sb.append(String.format(Locale.ROOT, "%-8s %,10d %10.4f %10.4f %10.4f %10s%n",
                    sc.policy().label(), sc.capacityBlocks(), c.blockRatio(), c.tokenRatio(), c.requestMeanRatio(),
                    gapText));
            }
        }
        sb.append(String.format(Locale.ROOT,
            "%n'gap closed' = where a policy lands between LRU (0) and OPT (1) on the token-weighted ratio.%n"
                + "%d scenarios in %.2f s%n", report.results().size(), wallSeconds));
        return sb.toString();
    }
}
