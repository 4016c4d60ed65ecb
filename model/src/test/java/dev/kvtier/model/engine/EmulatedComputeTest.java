package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live compute emulation: the cost model's time on the node's timers, scaled; one decode step per timer. */
class EmulatedComputeTest
{
    private static final long PASS = 1;
    private static final long COPY_BASE = 1000;

    /** Costs that are easy to check: 10 ns per prefill token, 100 ns per decode step, 1 ns per copied token. */
    private static final CostModel COST = new CostModel()
    {
        @Override
        public long prefillNs(final long newTokens, final double attentionPairs)
        {
            return 10 * newTokens;
        }

        @Override
        public long decodeStepNs(final int batch, final long contextTokens)
        {
            return 100;
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
    void shouldWaitTheScaledCostAndDecodeOneStepAtATime()
    {
        final Timers timers = new Timers();
        final List<String> heard = new ArrayList<>();
        final ComputePort port = EmulatedCompute.factory(0.5).open(timers, COST, new ComputePort.Listener()
        {
            @Override
            public void prefillDone(final long busyNs)
            {
                heard.add("prefill " + busyNs);
            }

            @Override
            public void decodeDone(final ComputePort.DecodeSteps steps)
            {
                heard.add("decode " + steps.steps() + " " + steps.stepEndNs(0));
            }

            @Override
            public void copyDone(final long tag)
            {
                heard.add("copy " + tag);
            }
        }, PASS, COPY_BASE);

        // load-back hides under the compute; the sync does not
        port.prefill(100, 0, 50, 20);
        assertThat(timers.pending).containsEntry(PASS, (1000L + 20) / 2);
        port.copy(ComputePort.Copy.DEVICE_TO_HOST, 64, 7);
        assertThat(timers.pending).containsEntry(COPY_BASE + 7, 32L);
        assertThat(port.onTimer(PASS)).isTrue();
        assertThat(port.onTimer(COPY_BASE + 7)).isTrue();
        assertThat(port.onTimer(2)).isFalse();

        port.decode(4, 4096, 50);
        port.cutDecode();
        assertThat(timers.pending).containsEntry(PASS, 50L);
        port.onTimer(PASS);
        assertThat(heard).containsExactly("prefill 510", "copy 7", "decode 1 50");
    }

    @Test
    void shouldNotWaitAtScaleZeroAndRefuseANegativeScale()
    {
        final Timers timers = new Timers();
        EmulatedCompute.factory(0).open(timers, COST, null, PASS, COPY_BASE).decode(1, 1, 1);
        assertThat(timers.pending).containsEntry(PASS, 0L);
        assertThatThrownBy(() -> EmulatedCompute.factory(-1).open(timers, COST, null, PASS, COPY_BASE))
            .isInstanceOf(IllegalArgumentException.class);
    }

    /** Records timers; nothing else. */
    private static final class Timers implements NodeContext
    {
        final Map<Long, Long> pending = new LinkedHashMap<>();

        @Override
        public NodeId self()
        {
            return new NodeId(0, "worker");
        }

        @Override
        public long now()
        {
            return 0;
        }

        @Override
        public void schedule(final long delayNs, final long timerId)
        {
            pending.put(timerId, delayNs);
        }

        @Override
        public void cancel(final long timerId)
        {
            pending.remove(timerId);
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
