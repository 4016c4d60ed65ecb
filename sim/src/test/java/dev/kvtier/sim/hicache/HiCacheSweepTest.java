package dev.kvtier.sim.hicache;

import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HiCacheSweepTest
{
    private static HiCacheScenario scenario(final WritePolicy policy, final int l1, final int l2)
    {
        return new HiCacheScenario(policy, l1, l2, 0, 1, 1, PoolPlacement.GLOBAL, HitRouting.ROUND_ROBIN, 2);
    }

    @Test
    void runsBoundaryFirstAndHandsResultsBackInTheOrderGiven()
    {
        final BlockTrace trace = BlockTrace.load(new ChatWorkloadGenerator(ChatWorkloadConfig.defaults().withSeed(5)
            .withDuration(60)).generate().iterator());
        final List<HiCacheScenario> scenarios = List.of(scenario(WritePolicy.WRITE_THROUGH, 200, 400),
            scenario(WritePolicy.BOUNDARY_L1_L2, 200, 400), scenario(WritePolicy.WRITE_BACK, 300, 100),
            scenario(WritePolicy.BOUNDARY_L1_L2, 300, 100), scenario(WritePolicy.WRITE_THROUGH_SELECTIVE, 200, 400));
        assertThat(HiCacheSweep.runOrder(scenarios)).containsExactly(1, 3, 0, 2, 4);
        for (final int threads : new int[] {1, 2})
        {
            final List<HiCacheResult> results = HiCacheSweep.run(trace, scenarios, 42, threads, null);
            assertThat(results).hasSize(scenarios.size());
            for (int i = 0; i < scenarios.size(); i++)
            {
                assertThat(results.get(i).scenario()).isSameAs(scenarios.get(i));
                assertThat(results.get(i).counts()).isEqualTo(HiCacheReplay.run(trace, scenarios.get(i), 42, null));
            }
        }
    }
}
