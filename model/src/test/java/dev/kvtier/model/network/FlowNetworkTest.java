package dev.kvtier.model.network;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FlowNetworkTest
{
    private static FlowNetwork network(final int nodes, final double bw)
    {
        final double[] e = new double[nodes];
        final double[] local = new double[nodes];
        java.util.Arrays.fill(e, bw);
        java.util.Arrays.fill(local, 100 * bw);
        return new FlowNetwork(e, e.clone(), local, 1_000);
    }

    private static List<long[]> drain(final FlowNetwork net)
    {
        final List<long[]> done = new ArrayList<>();
        long t;
        while ((t = net.nextCompletionNs()) != Long.MAX_VALUE)
        {
            final long at = t;
            net.advanceTo(at, (tag, bytes) -> done.add(new long[] {tag, at}));
        }
        return done;
    }

    @Test
    void shouldGiveALoneFlowTheWholeLink()
    {
        final FlowNetwork net = network(2, 1.0);
        net.start(0, 1, 1_000_000, 0, 7);
        assertThat(drain(net)).singleElement().satisfies(d ->
        {
            assertThat(d[0]).isEqualTo(7);
            assertThat(d[1]).isEqualTo(1_000_000);
        });
        assertThat(net.bytesMoved()).isCloseTo(1_000_000, within(1.0));
    }

    @Test
    void shouldSplitASharedIngressEquallyAndSpeedUpTheSurvivor()
    {
        final FlowNetwork net = network(3, 1.0);
        net.start(0, 2, 1_000, 0, 1);
        net.start(1, 2, 3_000, 0, 2);
        final List<long[]> done = drain(net);
        // both at 0.5 B/ns until flow 1 ends at 2000 ns; flow 2 has 2000 left at full rate: ends at 4000 ns
        assertThat(done).extracting(d -> d[0]).containsExactly(1L, 2L);
        assertThat(done).extracting(d -> d[1]).containsExactly(2_000L, 4_000L);
    }

    @Test
    void shouldGiveUnusedShareToFlowsNotOnTheBottleneck()
    {
        // max-min: flows A 0->2 and B 1->2 share ingress of 2 (0.5 each); flow C 0->3 gets egress 0 leftover 0.5
        final FlowNetwork net = network(4, 1.0);
        net.start(0, 2, 1_000_000, 0, 1);
        net.start(1, 2, 1_000_000, 0, 2);
        net.start(0, 3, 500_000, 0, 3);
        final List<long[]> done = drain(net);
        assertThat(done.get(0)[0]).isEqualTo(3);
        assertThat(done.get(0)[1]).isEqualTo(1_000_000);
    }

    @Test
    void shouldGiveANewFlowTheLowestFreeSlotAndReportFlowsEndingTogetherBySlot()
    {
        final FlowNetwork net = network(8, 1.0);
        net.start(0, 1, 1_000, 0, 1);     // slot 0, ends at 1,000 ns
        net.start(2, 3, 100_000, 0, 2);   // slot 1
        net.start(4, 5, 3_000, 0, 3);     // slot 2, ends at 3,000 ns
        final List<long[]> done = new ArrayList<>();
        net.advanceTo(net.nextCompletionNs(), (tag, bytes) -> done.add(new long[] {tag, 1_000}));
        net.start(6, 7, 2_000, 1_000, 4); // slot 0 again, ends at 3,000 ns with slot 2's flow
        done.addAll(drain(net));
        assertThat(done).extracting(d -> d[0]).containsExactly(1L, 4L, 3L, 2L);
        assertThat(done).extracting(d -> d[1]).containsExactly(1_000L, 3_000L, 3_000L, 100_000L);
    }

    @Test
    void shouldCarryMoreFlowsThanItsFirstArraysHoldAndEndThemInSizeOrder()
    {
        final FlowNetwork net = network(2, 1.0);
        for (int i = 1; i <= 150; i++)
        {
            net.start(0, 1, 1_000L * i, 0, i);
        }
        final List<long[]> done = drain(net);
        assertThat(done).extracting(d -> d[0]).containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 150).boxed().toList());
        assertThat(net.bytesMoved()).isCloseTo(1_000.0 * 150 * 151 / 2, within(150.0));
    }

    @Test
    void shouldKeepLocalCopiesOffTheNics()
    {
        final FlowNetwork net = network(2, 1.0);
        net.start(0, 0, 100_000, 0, 1);
        net.start(0, 1, 100_000, 0, 2);
        final List<long[]> done = drain(net);
        assertThat(done).extracting(d -> d[0]).containsExactly(1L, 2L);
        assertThat(done.get(0)[1]).isEqualTo(1_000);
        assertThat(done.get(1)[1]).isEqualTo(100_000);
        assertThat(net.latencyNs(0, 0)).isZero();
        assertThat(net.latencyNs(0, 1)).isEqualTo(1_000);
    }

    @Test
    void flowsStartedTogetherAndSharedOnceEndExactlyAsWhenSharedAfterEach()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        final FlowNetwork each = network(5, 1.3);
        final FlowNetwork once = network(5, 1.3);
        final List<long[]> doneEach = new ArrayList<>();
        final List<long[]> doneOnce = new ArrayList<>();
        long now = 0;
        long tag = 0;
        for (int round = 0; round < 200; round++)
        {
            final int flows = 1 + random.nextInt(6);
            for (int f = 0; f < flows; f++)
            {
                final int src = random.nextInt(5);
                final int dst = random.nextInt(5);
                final long bytes = 1 + random.nextInt(100_000);
                each.start(src, dst, bytes, now, tag);
                once.startUnshared(src, dst, bytes, now, tag);
                tag++;
            }
            once.reshare();
            assertThat(once.nextCompletionNs()).isEqualTo(each.nextCompletionNs());
            now += random.nextInt(50_000);
            final long until = now;
            while (each.nextCompletionNs() <= until)
            {
                final long at = each.nextCompletionNs();
                assertThat(once.nextCompletionNs()).isEqualTo(at);
                each.advanceTo(at, (t, b) -> doneEach.add(new long[] {t, at}));
                once.advanceTo(at, (t, b) -> doneOnce.add(new long[] {t, at}));
            }
        }
        doneEach.addAll(drain(each));
        doneOnce.addAll(drain(once));
        assertThat(doneOnce).hasSameSizeAs(doneEach);
        for (int i = 0; i < doneEach.size(); i++)
        {
            assertThat(doneOnce.get(i)).containsExactly(doneEach.get(i));
        }
        assertThat(once.bytesMoved()).isEqualTo(each.bytesMoved());
    }
}
