package dev.kvtier.sim.serving;

import dev.kvtier.model.engine.ComputePort;
import dev.kvtier.model.engine.CostModel;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Decode epochs: all steps until the first request finishes in one timer, cut at the end of the step in progress. */
class EpochComputeTest
{
    private static final long PASS = 1;

    /** A decode step costs 100 ns plus 1 ns per context token, so steps grow as the batch's KV grows. */
    private static final CostModel COST = new CostModel()
    {
        @Override
        public long prefillNs(final long newTokens, final double attentionPairs)
        {
            return newTokens;
        }

        @Override
        public long decodeStepNs(final int batch, final long contextTokens)
        {
            return 100 + contextTokens;
        }

        @Override
        public long hostToDeviceNs(final long tokens)
        {
            return tokens;
        }

        @Override
        public long deviceToHostNs(final long tokens)
        {
            return tokens;
        }

        @Override
        public long kvBytes(final long tokens)
        {
            return tokens;
        }
    };

    @Test
    void shouldRunAnEpochInOneTimerAndCutItAtTheStepInProgress()
    {
        final Clock ctx = new Clock();
        final List<long[]> decodes = new ArrayList<>();
        final ComputePort port = EpochCompute.FACTORY.open(ctx, COST, new ComputePort.Listener()
        {
            @Override
            public void prefillDone(final long busyNs)
            {
            }

            @Override
            public void decodeDone(final ComputePort.DecodeSteps steps)
            {
                final long[] ends = new long[steps.steps()];
                for (int k = 0; k < ends.length; k++)
                {
                    ends[k] = steps.startNs() + steps.stepEndNs(k);
                }
                decodes.add(ends);
            }

            @Override
            public void copyDone(final long tag)
            {
            }
        }, PASS, 1000);

        // two requests, 10 tokens of context: steps of 110, 112, 114, 116 ns
        ctx.nowNs = 1_000;
        port.decode(2, 10, 4);
        assertThat(ctx.timers).containsEntry(PASS, 110L + 112 + 114 + 116);
        // a cut 150 ns in falls in the second step: the epoch ends when it does
        ctx.nowNs = 1_150;
        port.cutDecode();
        assertThat(ctx.timers).containsEntry(PASS, 1_000 + 110 + 112 - 1_150L);
        // a second cut inside the same step changes nothing
        ctx.nowNs = 1_200;
        ctx.timers.clear();
        port.cutDecode();
        assertThat(ctx.timers).isEmpty();
        ctx.nowNs = 1_222;
        assertThat(port.onTimer(PASS)).isTrue();
        assertThat(decodes).containsExactly(new long[] {1_110, 1_222});
    }

    /** A hand-stepped clock that records timers. */
    private static final class Clock implements NodeContext
    {
        final Map<Long, Long> timers = new HashMap<>();
        long nowNs;

        @Override
        public NodeId self()
        {
            return new NodeId(0, "worker");
        }

        @Override
        public long now()
        {
            return nowNs;
        }

        @Override
        public void schedule(final long delayNs, final long timerId)
        {
            timers.put(timerId, delayNs);
        }

        @Override
        public void cancel(final long timerId)
        {
            timers.remove(timerId);
        }

        @Override
        public void send(final NodeId to, final Message message)
        {
        }

        @Override
        public int register(final MemoryRegion region)
        {
            return 0;
        }

        @Override
        public void expose(final String segment, final int region, final long baseAddress)
        {
        }

        @Override
        public void transfer(final TransferBatch batch, final long tag)
        {
        }

        @Override
        public RandomGenerator random()
        {
            return new SplittableRandom(1);
        }
    }
}
