package dev.kvtier.cli;

import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hicache.HiCacheCounts;
import dev.kvtier.sim.hicache.HiCacheResult;
import dev.kvtier.sim.hicache.HiCacheScenario;
import dev.kvtier.sim.hits.TraceStats;
import dev.kvtier.sim.report.HiCacheReport;

import java.util.Locale;

/** The console summary of a clock-free HiCache replay: one row per variant, hit ratios by tier over pages. */
final class HiCacheTable
{
    private HiCacheTable()
    {
    }

    static String render(final HiCacheReport report, final String source, final double simSeconds,
        final double cpuSeconds)
    {
        final StringBuilder sb = new StringBuilder();
        final TraceStats s = report.stats();
        sb.append("kvtier sim --mode hicache: ").append(source).append('\n');
        sb.append(String.format(Locale.ROOT,
            "%,d requests, %,d page refs (one block = one page), %,d unique pages; ideal hit ratio: pages %.4f  "
                + "tokens %.4f%n%n", s.requests(), s.blockRefs(), s.uniqueBlocks(), report.ideal().blockRatio(),
            report.ideal().tokenRatio()));
        final boolean topology = report.results().stream()
            .anyMatch(r -> r.scenario().nodes() > 1 || r.scenario().placement() == PoolPlacement.LOCAL);
        sb.append(String.format(Locale.ROOT, "%-23s %8s %8s %8s", "policy", "L1", "L2", "L3"));
        if (topology)
        {
            sb.append(String.format(Locale.ROOT, " %5s %-9s %-12s", "nodes", "placement", "routing"));
        }
        sb.append(String.format(Locale.ROOT, " %7s %7s %7s %7s %7s %9s %9s %8s %7s %6s%n", "L1 hit", "L1+L2",
            "L3 hit", "total", "tokens", "L1 evict", "L2 evict", "demoted", "failed", "dup"));
        for (final HiCacheResult r : report.results())
        {
            final HiCacheScenario sc = r.scenario();
            final HiCacheCounts c = r.counts();
            sb.append(String.format(Locale.ROOT, "%-23s %,8d %,8d %,8d", sc.policy().cliName(), sc.l1Pages(),
                sc.l2Pages(), sc.l3Pages()));
            if (topology)
            {
                final String routing =
                    sc.placement() == PoolPlacement.LOCAL && sc.nodes() > 1 ? sc.routing().label() : "-";
                sb.append(String.format(Locale.ROOT, " %5d %-9s %-12s", sc.nodes(), sc.placement().label(), routing));
            }
            sb.append(String.format(Locale.ROOT, " %7.4f %7.4f %7.4f %7.4f %7.4f %,9d %,9d %,8d %,7d %6.3f%n",
                c.l1Ratio(), c.l1L2Ratio(), c.l3Ratio(), c.totalRatio(), c.totalTokenRatio(), c.l1Evictions(),
                c.l2Evictions(), c.demotions(), c.failedL2Allocations(), c.duplicateRatio()));
        }
        final long touches = s.blockRefs() * report.results().size();
        sb.append(String.format(Locale.ROOT,
            "%nHit ratios over pages ('tokens': total over prompt tokens); 'dup': host pages also on the device at "
                + "the end.%n%d variants, %,d page touches simulated in %.3f s wall (%.1f M touches/s)%s%n",
            report.results().size(), touches, simSeconds, simSeconds > 0 ? touches / simSeconds / 1e6 : 0,
            cpuSeconds < 0 ? "" : String.format(Locale.ROOT, ", %.3f s CPU on one thread (%.1f M touches/s)",
                cpuSeconds, cpuSeconds > 0 ? touches / cpuSeconds / 1e6 : 0)));
        return sb.toString();
    }
}
