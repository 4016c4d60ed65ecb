package dev.kvtier.sim.hicache;

import dev.kvtier.model.cache.EvictionPolicy;
import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.routing.HitRouting;
import dev.kvtier.model.routing.PoolPlacement;
import dev.kvtier.sim.hits.BlockTrace;
import dev.kvtier.sim.hits.HitCounts;
import dev.kvtier.sim.hits.HitReplay;
import dev.kvtier.sim.hits.HitScenario;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The clock-free HiCache replay against SGLang's policy simulator ({@code benchmark/hicache/
 * hicache_policy_simulator.py}) on the conversation trace: its figures, page counts as it printed them for
 * {@code main_write_through} (threshold 1) and {@code boundary_l1_l2}, are the expected values here. Four capacity
 * pairs, two of them with L2 smaller than L1. And the L1 hit ratio equals a flat LRU's at the same capacity
 * ({@code --mode hits}), since a radix tree evicting leaves by recency is LRU on a prefix-closed trace.
 */
class SglangPolicySimulatorCrossCheckTest
{
    private static BlockTrace trace;

    @BeforeAll
    static void load() throws IOException
    {
        final Path p = Path.of("..", "..", "shared", "traces", "conversation_trace.jsonl");
        final Path q = Files.isRegularFile(p) ? p : Path.of("..", "shared", "traces", "conversation_trace.jsonl");
        if (Files.isRegularFile(q))
        {
            try (MooncakeTraceReader reader = MooncakeTraceReader.open(q))
            {
                trace = BlockTrace.load(reader);
            }
        }
    }

    private static HiCacheCounts run(final WritePolicy policy, final int l1, final int l2)
    {
        assumeTrue(trace != null, "conversation_trace.jsonl absent; skipping");
        return HiCacheReplay.run(trace, new HiCacheScenario(policy, l1, l2, 0, 1, 1, PoolPlacement.GLOBAL,
            HitRouting.ROUND_ROBIN, 2), 42, null);
    }

    /** SGLang's figures: l1 hit pages, l2 hit pages, l2 evictions, demotions, failed host allocations, D+H pages. */
    private static void assertSglang(final HiCacheCounts c, final long l1, final long l2, final long l2Evictions,
        final long demotions, final long failed, final long both)
    {
        assertEquals(288_500, c.pages());
        assertEquals(l1, c.l1Pages(), "L1 hit pages");
        assertEquals(l2, c.l2Pages(), "L2 hit pages");
        assertEquals(l2Evictions, c.l2Evictions(), "L2 evictions");
        assertEquals(demotions, c.demotions(), "demotions");
        assertEquals(failed, c.failedL2Allocations(), "failed host allocations");
        assertEquals(both, c.residentBoth(), "pages on both tiers at the end");
    }

    @Test
    void writeThroughMatchesMainWriteThrough()
    {
        assertSglang(run(WritePolicy.WRITE_THROUGH, 1000, 4000), 12_847, 12_117, 259_536, 0, 0, 1000);
        assertSglang(run(WritePolicy.WRITE_THROUGH, 10_000, 30_000), 61_046, 32_932, 164_522, 0, 0, 10_000);
        assertSglang(run(WritePolicy.WRITE_THROUGH, 4000, 1000), 24_964, 41, 63_599, 0, 8633, 996);
        assertSglang(run(WritePolicy.WRITE_THROUGH, 10_000, 3000), 61_046, 44, 62_804, 0, 8142, 2981);
    }

    @Test
    void boundaryMatchesBoundaryL1L2()
    {
        assertSglang(run(WritePolicy.BOUNDARY_L1_L2, 1000, 4000), 12_847, 18_934, 513_857, 11_869, 0, 82);
        assertSglang(run(WritePolicy.BOUNDARY_L1_L2, 10_000, 30_000), 61_046, 39_475, 341_325, 10_433, 0, 2235);
        assertSglang(run(WritePolicy.BOUNDARY_L1_L2, 4000, 1000), 24_964, 7130, 528_423, 11_783, 0, 18);
        assertSglang(run(WritePolicy.BOUNDARY_L1_L2, 10_000, 3000), 61_046, 7768, 483_789, 11_459, 0, 52);
    }

    @Test
    void l1HitRatioIsTheFlatLruHitRatio()
    {
        for (final int capacity : new int[] {1000, 4000, 10_000, 30_000})
        {
            final HitCounts lru = HitReplay.run(trace(), new HitScenario(EvictionPolicy.LRU, capacity, 1,
                PoolPlacement.GLOBAL, HitRouting.ROUND_ROBIN, 2), 42, null);
            for (final WritePolicy policy : WritePolicy.values())
            {
                final HiCacheCounts c = run(policy, capacity, capacity / 2);
                assertEquals(String.format("%.4f", lru.blockRatio()), String.format("%.4f", c.l1Ratio()),
                    policy + " at " + capacity);
                assertEquals(String.format("%.4f", lru.tokenRatio()), String.format("%.4f", c.l1TokenRatio()),
                    policy + " at " + capacity + ", tokens");
            }
        }
    }

    private static BlockTrace trace()
    {
        assumeTrue(trace != null, "conversation_trace.jsonl absent; skipping");
        return trace;
    }
}
