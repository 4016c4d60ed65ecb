package dev.kvtier.model.routing;

import dev.kvtier.model.engine.CostModel;
import dev.kvtier.model.engine.Dispatch;
import dev.kvtier.model.engine.InferenceRequest;
import dev.kvtier.model.engine.PrefillDone;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** The router stepped by hand: which instance each policy picks, and the bookkeeping of in-flight requests. */
class RouterTest
{
    private static final NodeId CLIENT = new NodeId(-1, "driver");
    private static final List<NodeId> INSTANCES = List.of(new NodeId(1, "i0"), new NodeId(2, "i1"));

    /** Flat costs: 1 µs per prefill token, 1 ns per KV byte fetched at 1 byte/ns. */
    private static final CostModel COST = new CostModel()
    {
        @Override
        public long prefillNs(final long newTokens, final double attentionPairs)
        {
            return newTokens * 1000;
        }

        @Override
        public long decodeStepNs(final int batch, final long contextTokens)
        {
            return 1;
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
            return tokens * 10;
        }
    };

    private static final class Sent implements NodeContext
    {
        final List<NodeId> to = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(3);

        @Override
        public NodeId self()
        {
            return new NodeId(0, "router");
        }

        @Override
        public long now()
        {
            return 0;
        }

        @Override
        public void schedule(final long delayNs, final long timerId)
        {
        }

        @Override
        public void cancel(final long timerId)
        {
        }

        @Override
        public void send(final NodeId target, final Message message)
        {
            to.add(target);
            messages.add(message);
        }

        @Override
        public int register(final MemoryRegion region)
        {
            throw new AssertionError("the router moves no bulk data");
        }

        @Override
        public void expose(final String segment, final int region, final long baseAddress)
        {
            throw new AssertionError("the router moves no bulk data");
        }

        @Override
        public void transfer(final TransferBatch batch, final long tag)
        {
            throw new AssertionError("the router moves no bulk data");
        }

        @Override
        public RandomGenerator random()
        {
            return random;
        }

        Dispatch lastDispatch()
        {
            return (Dispatch)messages.get(messages.size() - 1);
        }
    }

    private static Router router(final RoutingPolicy policy, final List<NodeId> decode, final Sent ctx)
    {
        return router(policy, decode, ctx, 1.0);
    }

    private static Router router(final RoutingPolicy policy, final List<NodeId> decode, final Sent ctx,
        final double fetchBytesPerNs)
    {
        final Router r = new Router(new RouterConfig(policy, RoutingPolicy.POWER_OF_TWO, INSTANCES, decode,
            RouterConfig.DEFAULT_CACHE_THRESHOLD, RouterConfig.DEFAULT_BALANCE_ABS, RouterConfig.DEFAULT_BALANCE_REL,
            RouterConfig.DEFAULT_EVICTION_INTERVAL_NS, RouterConfig.DEFAULT_MAX_TREE_TOKENS, 64, COST, fetchBytesPerNs,
            1_000_000));
        r.onStart(ctx);
        return r;
    }

    private static InferenceRequest request(final long id, final int... pages)
    {
        final String[] keys = new String[pages.length];
        for (int i = 0; i < pages.length; i++)
        {
            keys[i] = "k" + pages[i];
        }
        return new InferenceRequest(id, 0, pages.length * 64 + 10, 5, new PageChain(pages, keys));
    }

    private static int routed(final Router r, final Sent ctx, final InferenceRequest req)
    {
        r.onMessage(CLIENT, req);
        return INSTANCES.indexOf(ctx.to.get(ctx.to.size() - 1));
    }

    @Test
    void cacheAwareShouldFollowAMatchingPrefixAndSendNewPrefixesToTheEmptiestTree()
    {
        final Sent ctx = new Sent();
        final Router r = router(RoutingPolicy.CACHE_AWARE, List.of(), ctx);
        assertThat(routed(r, ctx, request(1, 1, 2, 3, 4))).isEqualTo(0);
        assertThat(routed(r, ctx, request(2, 1, 2, 3, 4, 5))).isEqualTo(0);
        assertThat(routed(r, ctx, request(3, 9, 8))).isEqualTo(1);
        assertThat(r.cacheAwareHits()).isEqualTo(1);
    }

    @Test
    void cacheAwareShouldBalanceOnceLoadsDifferByMoreThanBothThresholds()
    {
        final Sent ctx = new Sent();
        final Router r = router(RoutingPolicy.CACHE_AWARE, List.of(), ctx);
        for (int i = 0; i < 65; i++)
        {
            assertThat(routed(r, ctx, request(i, 1, 2, 3))).isEqualTo(0);
        }
        // 65 in flight against 0: 65 - 0 > 64 and 65 > 0 × 1.5
        assertThat(routed(r, ctx, request(100, 1, 2, 3))).isEqualTo(1);
        assertThat(r.cacheAwareBalanced()).isEqualTo(1);
    }

    @Test
    void powerOfTwoShouldKeepInFlightCountsEvenAndFinishedRequestsShouldReachTheClient()
    {
        final Sent ctx = new Sent();
        final Router r = router(RoutingPolicy.POWER_OF_TWO, List.of(), ctx);
        final int[] counts = new int[2];
        for (int i = 0; i < 20; i++)
        {
            counts[routed(r, ctx, request(i, i))]++;
            assertThat(Math.abs(counts[0] - counts[1])).isLessThanOrEqualTo(1);
        }
        final RequestRecord done = new RequestRecord(3, 0, 0, 0, 0, 1, 2, 10, 5, 0, 0, 0, PrefetchOutcome.NONE, 0,
            false);
        r.onMessage(INSTANCES.get(0), new PrefillDone(3));
        r.onMessage(INSTANCES.get(0), done);
        assertThat(ctx.to.get(ctx.to.size() - 1)).isEqualTo(CLIENT);
        assertThat(ctx.messages.get(ctx.messages.size() - 1)).isEqualTo(done);
    }

    @Test
    void kvAwareShouldWeighTheHoldersQueueAgainstFetchingThePrefixFromStorage()
    {
        final int[] longPrefix = new int[100];
        for (int i = 0; i < longPrefix.length; i++)
        {
            longPrefix[i] = 1000 + i;
        }
        // slow store: fetching 6,400 tokens (64 ms) costs more than the holder's 6.4 ms queue
        final Sent slow = new Sent();
        final Router a = router(RoutingPolicy.KV_AWARE, List.of(), slow, 0.001);
        final int holder = routed(a, slow, request(1, longPrefix));
        assertThat(routed(a, slow, request(2, longPrefix))).isEqualTo(holder);
        // a fresh prompt: no cache anywhere, so the shorter queue wins
        assertThat(routed(a, slow, request(3, 7, 8, 9))).isEqualTo(1 - holder);
        // fast store: the idle instance fetches the prefix instead of queueing behind the holder
        final Sent fast = new Sent();
        final Router b = router(RoutingPolicy.KV_AWARE, List.of(), fast, 1.0);
        final int first = routed(b, fast, request(1, longPrefix));
        assertThat(routed(b, fast, request(2, longPrefix))).isEqualTo(1 - first);
    }

    @Test
    void disaggregatedRoutingShouldNameADecodeInstanceInTheDispatch()
    {
        final Sent ctx = new Sent();
        final List<NodeId> decode = List.of(new NodeId(3, "d0"), new NodeId(4, "d1"));
        final Router r = router(RoutingPolicy.ROUND_ROBIN, decode, ctx);
        r.onMessage(CLIENT, request(1, 1));
        assertThat(ctx.lastDispatch().decode()).isIn(decode);
        assertThat(ctx.to.get(0)).isEqualTo(INSTANCES.get(0));
        r.onMessage(CLIENT, request(2, 2));
        assertThat(ctx.to.get(1)).isEqualTo(INSTANCES.get(1));
    }

    @Test
    void anUnhealthyInstanceShouldBeRoutedAroundUntilHealthyAgainAndAnUnknownHealthyOneShouldJoin()
    {
        final Sent ctx = new Sent();
        final Router r = router(RoutingPolicy.ROUND_ROBIN, List.of(), ctx);
        r.onMessage(CLIENT, new InstanceHealth(INSTANCES.get(1), false));
        for (int i = 0; i < 4; i++)
        {
            r.onMessage(CLIENT, request(i, i));
            assertThat(ctx.to.get(ctx.to.size() - 1)).isEqualTo(INSTANCES.get(0));
        }
        assertThat(r.healthyInstances()).isEqualTo(1);
        r.onMessage(CLIENT, new InstanceHealth(INSTANCES.get(1), true));
        r.onMessage(CLIENT, request(10, 10));
        r.onMessage(CLIENT, request(11, 11));
        assertThat(ctx.to.subList(ctx.to.size() - 2, ctx.to.size())).containsExactlyInAnyOrderElementsOf(INSTANCES);

        final NodeId third = new NodeId(3, "i2");
        r.onMessage(CLIENT, new InstanceHealth(third, true));
        assertThat(r.instances()).containsExactly(INSTANCES.get(0), INSTANCES.get(1), third);
        final List<NodeId> targets = new ArrayList<>();
        for (int i = 20; i < 23; i++)
        {
            r.onMessage(CLIENT, request(i, i));
            targets.add(ctx.to.get(ctx.to.size() - 1));
        }
        assertThat(targets).contains(third);
    }

    @Test
    void withNoHealthyInstanceTheRequestShouldComeBackAbortedToTheClient()
    {
        final Sent ctx = new Sent();
        final Router r = router(RoutingPolicy.CACHE_AWARE, List.of(), ctx);
        r.onMessage(CLIENT, new InstanceHealth(INSTANCES.get(0), false));
        r.onMessage(CLIENT, new InstanceHealth(INSTANCES.get(1), false));
        r.onMessage(CLIENT, request(7, 1, 2));
        assertThat(ctx.to.get(ctx.to.size() - 1)).isEqualTo(CLIENT);
        final RequestRecord back = (RequestRecord)ctx.messages.get(ctx.messages.size() - 1);
        assertThat(back.id()).isEqualTo(7);
        assertThat(back.aborted()).isTrue();
        assertThat(back.prefillInstance()).isEqualTo(-1);
    }
}
