package dev.kvtier.sim.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.transport.sim.LatencyNetwork;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SimRuntimeTest
{
    record Ping(int hop) implements Message
    {
    }

    /** Bounces a ping to its peer after a random think time, logging every step with the virtual time. */
    static final class Bouncer implements Node
    {
        private final List<String> log;
        private NodeContext ctx;
        private NodeId peer;
        private Ping pending;

        Bouncer(final List<String> log)
        {
            this.log = log;
        }

        @Override
        public void onStart(final NodeContext ctx)
        {
            this.ctx = ctx;
        }

        @Override
        public void onMessage(final NodeId from, final Message message)
        {
            if (message instanceof PeerIs p)
            {
                peer = p.peer();
                return;
            }
            final Ping ping = (Ping)message;
            log.add(ctx.now() + " " + ctx.self().name() + " got " + ping.hop() + " from " + from.name());
            if (ping.hop() < 20)
            {
                pending = new Ping(ping.hop() + 1);
                ctx.schedule(ctx.random().nextInt(1000), 1);
            }
        }

        @Override
        public void onTimer(final long timerId)
        {
            ctx.send(peer, pending);
        }
    }

    record PeerIs(NodeId peer) implements Message
    {
    }

    private static List<String> bounce(final long seed)
    {
        final List<String> log = new ArrayList<>();
        final SimRuntime sim = new SimRuntime(seed, new LatencyNetwork(10_000));
        final NodeId a = sim.add("a", new Bouncer(log));
        final NodeId b = sim.add("b", new Bouncer(log));
        sim.inject(a, new PeerIs(b), 0);
        sim.inject(b, new PeerIs(a), 0);
        sim.inject(a, new Ping(0), 5);
        sim.run();
        return log;
    }

    @Test
    void shouldReplayIdenticallyForOneSeed()
    {
        final List<String> first = bounce(3);
        assertThat(first).hasSize(21).first().isEqualTo("5 a got 0 from driver");
        assertThat(bounce(3)).isEqualTo(first);
        assertThat(bounce(4)).isNotEqualTo(first);
    }

    /** A node that records timer firings. */
    static final class TimerNode implements Node
    {
        final List<String> fired = new ArrayList<>();
        NodeContext ctx;

        @Override
        public void onStart(final NodeContext ctx)
        {
            this.ctx = ctx;
            ctx.schedule(100, 1);
            ctx.schedule(50, 2);
            ctx.schedule(50, 3);
            ctx.schedule(70, 4);
            ctx.cancel(4);
            ctx.schedule(200, 2);
        }

        @Override
        public void onMessage(final NodeId from, final Message message)
        {
        }

        @Override
        public void onTimer(final long timerId)
        {
            fired.add(ctx.now() + ":" + timerId);
        }
    }

    @Test
    void shouldCancelAndReplaceTimersAndStopAtTheBoundary()
    {
        final TimerNode node = new TimerNode();
        final SimRuntime sim = new SimRuntime(1, new LatencyNetwork(0));
        sim.add("t", node);
        sim.runUntil(100);
        assertThat(node.fired).containsExactly("50:3", "100:1");
        assertThat(sim.now()).isEqualTo(100);
        sim.run();
        assertThat(node.fired).containsExactly("50:3", "100:1", "200:2");
        assertThat(sim.eventsProcessed()).isEqualTo(3);
    }

    @Test
    void shouldDropMessagesAcrossAPartitionAndDeliverRepliesToTheDriver()
    {
        final List<String> log = new ArrayList<>();
        final LatencyNetwork net = new LatencyNetwork(7);
        final SimRuntime sim = new SimRuntime(1, net);
        final NodeId echo = sim.add("echo", new Node()
        {
            NodeContext ctx;

            @Override
            public void onStart(final NodeContext ctx)
            {
                this.ctx = ctx;
            }

            @Override
            public void onMessage(final NodeId from, final Message message)
            {
                ctx.send(from, message);
            }

            @Override
            public void onTimer(final long timerId)
            {
            }
        });
        sim.onDriverMessage((from, m) -> log.add(sim.now() + " " + from.name() + " " + m));
        sim.inject(echo, new Ping(1), 0);
        sim.run();
        assertThat(log).containsExactly("7 echo Ping[hop=1]");
        net.partition(echo, sim.driver());
        sim.inject(echo, new Ping(2), sim.now());
        sim.run();
        assertThat(log).hasSize(1);
        assertThat(sim.messagesDropped()).isEqualTo(1);
    }
}
