package dev.kvtier.sim.hits;

import dev.kvtier.model.cache.EvictionPolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** OPT bounds every online policy from above, and the ideal bounds everything, on real and generated workloads. */
class HitBoundsTest
{
    private static void assertBounds(final BlockTrace t, final int... capacities)
    {
        final HitCounts ideal = HitReplay.ideal(t);
        final List<HitScenario> scenarios = new ArrayList<>();
        for (final int c : capacities)
        {
            for (final EvictionPolicy p : EvictionPolicy.values())
            {
                scenarios.add(new HitScenario(p, c, 1, PoolPlacement.GLOBAL, HitRouting.ROUND_ROBIN, 2));
            }
        }
        final List<HitResult> results = HitSweep.run(t, scenarios, 1, 2, null);
        for (final int c : capacities)
        {
            final HitCounts opt = results.stream()
                .filter(r -> r.scenario().capacityBlocks() == c && r.scenario().policy() == EvictionPolicy.OPT)
                .findFirst().orElseThrow().counts();
            for (final HitResult r : results)
            {
                if (r.scenario().capacityBlocks() != c)
                {
                    continue;
                }
                final String what = r.scenario().policy().label() + " @" + c;
                assertThat(opt.hitBlocks()).as("opt >= " + what).isGreaterThanOrEqualTo(r.counts().hitBlocks());
                assertThat(opt.hitTokens()).as("opt >= " + what).isGreaterThanOrEqualTo(r.counts().hitTokens());
                assertThat(r.counts().hitBlocks()).as(what + " <= ideal").isLessThanOrEqualTo(ideal.hitBlocks());
                assertThat(r.counts().hitTokens()).as(what + " <= ideal").isLessThanOrEqualTo(ideal.hitTokens());
                assertThat(r.counts().requestRatioSum()).as(what + " <= ideal")
                    .isLessThanOrEqualTo(ideal.requestRatioSum() + 1e-9);
            }
        }
    }

    @Test
    void shouldHoldOnTheBuiltInWorkload()
    {
        final BlockTrace t = BlockTrace.load(new ChatWorkloadGenerator(ChatWorkloadConfig.defaults()).generate()
            .iterator());
        assertBounds(t, 50, 300, 1000, 5000, 100_000);
    }

    @Test
    void shouldHoldOnThePublishedTraces() throws IOException
    {
        for (final String name : new String[] {"conversation_trace.jsonl", "synthetic_trace.jsonl"})
        {
            final Path p = Path.of("..", "..", "shared", "traces", name);
            final Path q = Files.isRegularFile(p) ? p : Path.of("..", "shared", "traces", name);
            assumeTrue(Files.isRegularFile(q), name + " absent; skipping");
            try (MooncakeTraceReader reader = MooncakeTraceReader.open(q))
            {
                assertBounds(BlockTrace.load(reader), 1000, 10_000, 30_000, 100_000);
            }
        }
    }
}
