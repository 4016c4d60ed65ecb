package dev.kvtier.sim.serving;

import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public final class ServingSmokeMain
{
    public static void main(final String[] args) throws Exception
    {
        final List<TraceRecord> recs = new ArrayList<>();
        try (MooncakeTraceReader r = MooncakeTraceReader.open(Path.of(args[0])))
        {
            r.forEachRemaining(recs::add);
        }
        final ClusterPlan plan = ClusterPlan.of(ClusterLoader.load(args[1], Map.of()), null);
        final ServingResult res = ServingSimulation.run(plan, recs, new ServingOptions(42, false, 0, 1.0,
            args.length > 2 ? Integer.parseInt(args[2]) : 0));
        System.out.println(new ServingReport("t", "v", res, 30000, 100).json(true));
    }
}
