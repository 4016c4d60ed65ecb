package dev.kvtier.sim.sweep;

import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.sim.serving.ServingOptions;
import dev.kvtier.sim.serving.ServingResult;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Variants as the product of varied fields, and a sweep whose results do not depend on the thread count. */
class ServingSweepTest
{
    @Test
    void productShouldVaryTheLastFieldFastestAndLabelByLeafName()
    {
        final List<ServingVariant> v = ServingVariant.product(
            List.of("serving.write_policy=write_through,write_back", "router.policy=round_robin,random"));
        assertThat(v).extracting(ServingVariant::label).containsExactly(
            "write_policy=write_through policy=round_robin", "write_policy=write_through policy=random",
            "write_policy=write_back policy=round_robin", "write_policy=write_back policy=random");
        assertThat(v.get(1).overrides()).containsExactly(
            Map.entry("serving.write_policy", "write_through"), Map.entry("router.policy", "random"));
        assertThat(ServingVariant.product(List.of())).extracting(ServingVariant::label).containsExactly("");
    }

    @Test
    void productShouldRejectASpecificationWithoutValues()
    {
        assertThatThrownBy(() -> ServingVariant.product(List.of("serving.write_policy")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PATH=VALUE1,VALUE2");
        assertThatThrownBy(() -> ServingVariant.product(List.of("=a,b")))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sweepShouldNotDependOnThreadCount() throws Exception
    {
        final List<TraceRecord> trace =
            new ChatWorkloadGenerator(ChatWorkloadConfig.defaults().withSeed(3).withDuration(60)).generate();
        final List<ClusterPlan> plans = new ArrayList<>();
        for (final ServingVariant v : ServingVariant.product(List.of("serving.write_policy=write_through,write_back")))
        {
            plans.add(ClusterPlan.of(ClusterLoader.load("small-4", v.overrides()), null));
        }
        final ServingOptions options = new ServingOptions(5, false, 0, 1.0, 150);
        final AtomicLong finished = new AtomicLong();
        final List<ServingResult> parallel = ServingSweep.run(plans, trace, options, 2, finished::addAndGet);
        final List<ServingResult> serial = ServingSweep.run(plans, trace, options, 1, n ->
        {
        });
        assertThat(finished.get()).as("every request of every variant").isEqualTo(2L * Math.min(150, trace.size()));
        assertThat(json(parallel)).isEqualTo(json(serial));
    }

    @Test
    void boundaryL1L2ShouldRunInTheServingSimulatorAndDemoteToHost() throws Exception
    {
        final List<TraceRecord> trace =
            new ChatWorkloadGenerator(ChatWorkloadConfig.defaults().withSeed(3).withDuration(120)).generate();
        final List<ServingResult> results = new ArrayList<>();
        for (final ServingVariant v : ServingVariant.product(List.of(
            "serving.write_policy=write_through,boundary_l1_l2", "serving.mem_fraction_static=0.22")))
        {
            results.add(ServingSweep.run(List.of(ClusterPlan.of(ClusterLoader.load("small-4", v.overrides()), null)),
                trace, new ServingOptions(5, false, 0, 1.0, 400), 1, n ->
                {
                }).get(0));
        }
        for (final ServingResult r : results)
        {
            assertThat(r.records()).hasSize(Math.min(400, trace.size()));
        }
        final String boundary = new ServingReport("t", "v", results.get(1), 30_000, 100).json(false);
        final com.fasterxml.jackson.databind.JsonNode cache =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(boundary).get("cache");
        assertThat(cache.get("write_policy").asText()).isEqualTo("boundary_l1_l2");
        assertThat(cache.get("write_back_pages").asLong()).as("demotions charged as D2H copies").isPositive();
        assertThat(hostTokens(results.get(1))).isPositive();
    }

    private static long hostTokens(final ServingResult r)
    {
        return r.records().stream().mapToLong(x -> x.hostHitTokens()).sum();
    }

    private static List<String> json(final List<ServingResult> results)
    {
        final List<String> out = new ArrayList<>();
        for (final ServingResult r : results)
        {
            out.add(new ServingReport("t", "v", r, 30_000, 100).json(false));
        }
        return out;
    }
}
