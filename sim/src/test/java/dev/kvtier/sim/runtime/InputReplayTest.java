package dev.kvtier.sim.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.node.input.Delivery;
import dev.kvtier.model.node.input.NodeInput;
import dev.kvtier.model.node.input.Start;
import dev.kvtier.model.node.input.TimerFired;
import dev.kvtier.model.node.input.TransferDone;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputReplayTest
{
    private static final NodeId SELF = new NodeId(3, "echo");
    private static final NodeId PEER = new NodeId(9, "peer");

    private record Note(String text) implements Message
    {
    }

    /** Answers every input with a note naming it, the time and a draw from its random stream. */
    private static final class Echo implements Node
    {
        private NodeContext ctx;

        @Override
        public void onStart(final NodeContext ctx)
        {
            this.ctx = ctx;
            ctx.schedule(1_000, 5);
        }

        @Override
        public void onMessage(final NodeId from, final Message message)
        {
            ctx.send(from, new Note("echo " + ((Note)message).text() + " at " + ctx.now() + " "
                + ctx.random().nextInt(1000)));
        }

        @Override
        public void onTimer(final long timerId)
        {
            ctx.send(PEER, new Note("timer " + timerId + " at " + ctx.now()));
        }

        @Override
        public void onTransferDone(final long tag, final TransferStatus status)
        {
            ctx.send(PEER, new Note("transfer " + tag + " " + status + " at " + ctx.now()));
        }
    }

    @Test
    void shouldFeedTheRecordingInOrderWithItsTimesAndSeed()
    {
        final List<NodeInput> recording = List.of(new Start(10, SELF, 42), new Delivery(20, PEER, new Note("a")),
            new TimerFired(1_500, 5), new TransferDone(1_600, 8, TransferStatus.DEADLINE),
            new Delivery(2_000, PEER, new Note("b")));
        final List<InputReplay.Sent> first = new InputReplay(new Echo()).replay(recording).sent();
        final List<InputReplay.Sent> second = new InputReplay(new Echo()).replay(recording).sent();
        assertThat(first).isEqualTo(second).hasSize(4);
        final java.util.random.RandomGenerator seeded = new Start(0, SELF, 42).random();
        assertThat(first.get(0)).isEqualTo(new InputReplay.Sent(20, PEER, new Note("echo a at 20 "
            + seeded.nextInt(1000))));
        assertThat(first.get(1).message()).isEqualTo(new Note("timer 5 at 1500"));
        assertThat(first.get(2).message()).isEqualTo(new Note("transfer 8 DEADLINE at 1600"));
        assertThat(first.get(3).timeNs()).isEqualTo(2_000);
    }

    @Test
    void shouldRefuseARecordingThatDisagreesWithTheNode()
    {
        assertThatThrownBy(() -> new InputReplay(new Echo()).feed(new Delivery(0, PEER, new Note("a"))))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("Start");
        final InputReplay replay = new InputReplay(new Echo());
        replay.feed(new Start(0, SELF, 1));
        assertThatThrownBy(() -> replay.feed(new TimerFired(5, 6)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("not pending");
        replay.feed(new TimerFired(1_000, 5));
        assertThatThrownBy(() -> replay.feed(new TimerFired(2_000, 5)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("not pending");
        assertThatThrownBy(() -> replay.feed(new Delivery(999, PEER, new Note("late"))))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("back in time");
    }
}
