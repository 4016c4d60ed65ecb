package dev.kvtier.live.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.input.Delivery;
import dev.kvtier.model.node.input.NodeInput;
import dev.kvtier.model.node.input.Start;
import dev.kvtier.model.node.input.TimerFired;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's contract with the node it hosts: exceptions are counted, handed to the error handler and never end
 * the node; timers fire on the node's own thread with the replace/cancel semantics of the simulator; and one input
 * sees one timestamp.
 */
class NodeRunnerTest
{
    private static final NodeId TEST = new NodeId(-1, "test");
    private static final long MS = 1_000_000;

    private record Text(String value) implements Message
    {
    }

    /** What a node saw: the input, the thread it ran on, and now() at its start and at its end. */
    private record Seen(String input, String thread, long nowAtStart, long nowAtEnd)
    {
    }

    /** A node whose reactions the test supplies, recording every input it sees. */
    private static final class Scripted implements Node
    {
        final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        final Consumer<NodeContext> onStart;
        NodeContext ctx;

        Scripted(final Consumer<NodeContext> onStart)
        {
            this.onStart = onStart;
        }

        @Override
        public void onStart(final NodeContext ctx)
        {
            this.ctx = ctx;
            onStart.accept(ctx);
        }

        @Override
        public void onMessage(final NodeId from, final Message message)
        {
            final String text = ((Text)message).value();
            final long start = ctx.now();
            if (text.equals("arm"))
            {
                ctx.schedule(5 * MS, 14);
                return;
            }
            if (text.equals("boom"))
            {
                throw new IllegalStateException("boom");
            }
            if (text.equals("slow"))
            {
                final long until = System.nanoTime() + 2 * MS;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
            }
            seen.add(new Seen(text, Thread.currentThread().getName(), start, ctx.now()));
        }

        @Override
        public void onTimer(final long timerId)
        {
            if (timerId == 13)
            {
                throw new IllegalArgumentException("timer 13");
            }
            seen.add(new Seen("timer " + timerId, Thread.currentThread().getName(), ctx.now(), ctx.now()));
        }

        Seen next() throws InterruptedException
        {
            final Seen s = seen.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("the node's next input").isNotNull();
            return s;
        }
    }

    @Test
    void shouldCountAnExceptionHandItToTheErrorHandlerAndTakeTheNextInput() throws Exception
    {
        final List<String> handled = new CopyOnWriteArrayList<>();
        final Scripted node = new Scripted(ctx -> ctx.schedule(MS, 13));
        try (LiveRuntime rt = new LiveRuntime().errorHandler((n, e) -> handled.add(n.name() + ": " + e.getMessage())))
        {
            final NodeRunner runner = rt.add("faulty", node);
            rt.start();
            runner.deliver(TEST, new Text("boom"), 0);
            runner.deliver(TEST, new Text("after"), 0);
            assertThat(node.next().input()).isEqualTo("after");
            // timer 13 throws a millisecond after the start; timer 14, due later, proves the node went on
            runner.deliver(TEST, new Text("arm"), 0);
            assertThat(node.next().input()).isEqualTo("timer 14");
            assertThat(runner.errors()).isEqualTo(2);
            assertThat(handled).containsExactlyInAnyOrder("faulty: boom", "faulty: timer 13");
        }
    }

    @Test
    void shouldFireTimersOnTheNodesThreadInDeadlineOrderReplacingAndCancellingAsTheSimulatorDoes() throws Exception
    {
        final Scripted node = new Scripted(ctx ->
        {
            ctx.schedule(50 * MS, 1);
            ctx.schedule(100 * MS, 1);
            ctx.schedule(30 * MS, 2);
            ctx.cancel(2);
            ctx.cancel(99);
            ctx.schedule(60 * MS, 3);
            ctx.schedule(60 * MS, 4);
            ctx.schedule(150 * MS, 5);
        });
        try (LiveRuntime rt = new LiveRuntime())
        {
            rt.add("timed", node);
            rt.start();
            final Seen t3 = node.next();
            final Seen t4 = node.next();
            final Seen t1 = node.next();
            final Seen t5 = node.next();
            assertThat(List.of(t3.input(), t4.input(), t1.input(), t5.input()))
                .containsExactly("timer 3", "timer 4", "timer 1", "timer 5");
            assertThat(t3.thread()).isEqualTo("kvtier-node-timed");
            assertThat(t3.nowAtStart()).isGreaterThanOrEqualTo(60 * MS);
            assertThat(t1.nowAtStart()).isGreaterThanOrEqualTo(100 * MS);
            assertThat(t5.nowAtStart()).isGreaterThanOrEqualTo(150 * MS);
            assertThat(node.seen).isEmpty();
        }
    }

    @Test
    void shouldShowTheNodeOneTimestampForTheWholeOfAnInput() throws Exception
    {
        final Scripted node = new Scripted(ctx ->
        {
        });
        try (LiveRuntime rt = new LiveRuntime())
        {
            final NodeRunner runner = rt.add("clocked", node);
            rt.start();
            runner.deliver(TEST, new Text("slow"), 0);
            runner.deliver(TEST, new Text("next"), 0);
            final Seen slow = node.next();
            final Seen next = node.next();
            assertThat(slow.nowAtEnd()).isEqualTo(slow.nowAtStart());
            assertThat(next.nowAtStart()).isGreaterThanOrEqualTo(slow.nowAtStart() + 2 * MS);
        }
    }

    @Test
    void shouldTakeTimeFromTheRuntimesClock() throws Exception
    {
        final long[] fake = {1_000 * MS};
        final Scripted node = new Scripted(ctx ->
        {
        });
        try (LiveRuntime rt = new LiveRuntime(() -> fake[0]))
        {
            final NodeRunner runner = rt.add("faked", node);
            rt.start();
            runner.deliver(TEST, new Text("at start"), 0);
            assertThat(node.next().nowAtStart()).isZero();
        }
    }

    @Test
    void shouldTapEveryInputWithTheTimeTheNodeSawAndItsSeed() throws Exception
    {
        final BlockingQueue<NodeInput> tapped = new LinkedBlockingQueue<>();
        final long[] drawn = new long[1];
        final Scripted node = new Scripted(ctx ->
        {
            drawn[0] = ctx.random().nextLong();
            ctx.schedule(MS, 4);
        });
        try (LiveRuntime rt = new LiveRuntime(99, System::nanoTime).tap((n, input) -> tapped.add(input)))
        {
            final NodeRunner runner = rt.add("tapped", node);
            rt.start();
            final Seen timer = node.next();
            runner.deliver(TEST, new Text("hello"), 0);
            final Seen hello = node.next();
            final Start start = (Start)tapped.poll(10, TimeUnit.SECONDS);
            assertThat(start.self()).isEqualTo(runner.self());
            assertThat(start.seed()).isEqualTo(LiveRuntime.nodeSeed(99, "tapped"));
            assertThat(start.random().nextLong()).isEqualTo(drawn[0]);
            assertThat(tapped.poll(10, TimeUnit.SECONDS)).isEqualTo(new TimerFired(timer.nowAtStart(), 4));
            assertThat(tapped.poll(10, TimeUnit.SECONDS)).isEqualTo(new Delivery(hello.nowAtStart(), TEST,
                new Text("hello")));
        }
    }

    @Test
    void shouldRefuseTimerCallsFromAnotherThread() throws Exception
    {
        final Scripted node = new Scripted(ctx ->
        {
        });
        try (LiveRuntime rt = new LiveRuntime())
        {
            final NodeRunner runner = rt.add("guarded", node);
            rt.start();
            runner.deliver(TEST, new Text("started"), 0);
            node.next();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.schedule(MS, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("thread");
        }
    }
}
