package dev.kvtier.model.store;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps the master node by hand with a test clock, as Aeron's ElectionTest does. */
class MasterNodeTest
{
    static final class StepContext extends MasterTestContext
    {
        long now;
        final List<Message> sent = new ArrayList<>();
        final List<long[]> timers = new ArrayList<>();

        @Override
        public long now()
        {
            return now;
        }

        @Override
        public void schedule(final long delayNs, final long timerId)
        {
            timers.add(new long[] {now + delayNs, timerId});
        }

        @Override
        public void cancel(final long timerId)
        {
        }

        @Override
        public void send(final NodeId to, final Message message)
        {
            sent.add(message);
        }

        @Override
        public RandomGenerator random()
        {
            return new SplittableRandom(1);
        }
    }

    @Test
    void shouldAnswerRequestsAndRunItsPeriodicJobsFromTimers()
    {
        final StepContext ctx = new StepContext();
        final MasterNode node = new MasterNode(MasterConfig.defaults());
        node.onStart(ctx);
        assertThat(ctx.timers).extracting(t -> t[0]).containsExactly(10_000_000L, 1_000_000_000L);
        final NodeId client = new NodeId(1, "client");
        final Segment seg = new Segment(1, "s:1", 0, 1 << 20, 9, "h");
        node.onMessage(client, new MasterRequest.MountSegment(1, seg, 9));
        node.onMessage(client, new MasterRequest.PutStart(2, 3, "k", 4096, ReplicateConfig.defaults()));
        node.onMessage(client, new MasterRequest.PutEnd(3, 3, "k"));
        node.onMessage(client, new MasterRequest.ExistKey(4, "k"));
        node.onMessage(client, new MasterRequest.Remove(5, "k", false));
        assertThat(ctx.sent).extracting(m -> ((MasterReply)m).requestId()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(((MasterReply)ctx.sent.get(3)).value()).isEqualTo(true);
        assertThat(((MasterReply)ctx.sent.get(4)).error()).isEqualTo(ErrorCode.OBJECT_HAS_LEASE);
        ctx.now = 11_000_000_000L;
        node.onTimer(2);
        assertThat(node.service().segmentCount()).as("client 9 never pinged: expired").isZero();
    }
}
