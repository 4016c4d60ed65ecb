package dev.kvtier.model.store;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master's parked eviction timer against the upstream schedule, a pass every 10 ms whatever the state: the same
 * workload (puts that fill the store past its watermark and fail for room, puts left unfinished and discarded,
 * lease-granting reads, removes, a client that stops pinging and loses its segment) run through both gives the same
 * replies at the same instants and the same eviction passes, with far fewer timer events.
 */
class MasterEvictionTimerTest
{
    private static final long MS = 1_000_000;
    private static final long EVICTION_TIMER = 1;
    private static final long RUN_NS = 30_000 * MS;
    private static final long SEND_AHEAD_NS = 50_000;
    private static final MasterConfig CONFIG = new MasterConfig(200, 86_400_000, true, 0.05, 0.90, 3_000, 500,
        2_000, AllocationStrategy.RANDOM);

    /** Fills segment 1 first, so that losing segment 2 can put a parked store over its watermark. */
    private static final ReplicateConfig PREFER_SEGMENT_1 = new ReplicateConfig(1, 0, false, List.of("s:1"), "");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldTakeTheSamePassesAtTheSameInstantsAsATimerThatNeverParks(final long seed)
    {
        final Loop upstream = new Loop(true);
        final Loop parked = new Loop(false);
        workload(upstream, seed);
        workload(parked, seed);
        upstream.run();
        parked.run();

        assertThat(parked.log).isEqualTo(upstream.log);
        final MasterCounters counters = parked.node.service().counters();
        assertThat(counters.evictionAttempts()).as("the workload fills the store").isGreaterThan(5);
        assertThat(counters.putStartAllocFailures()).as("and puts find no room").isPositive();
        assertThat(counters.putStartDiscarded()).as("and unfinished puts are discarded").isPositive();
        assertThat(parked.log).as("client 2 stopped pinging and lost its segment")
            .anyMatch(line -> line.startsWith("segments 1 "));
        assertThat(upstream.evictionTicks).isEqualTo(RUN_NS / (10 * MS));
        assertThat(parked.evictionTicks).as("idle ticks are not events").isLessThan(upstream.evictionTicks / 2);
    }

    @Test
    void shouldPassAtTheClientMonitorsInstantWhenLosingASegmentPutsTheStoreOverItsWatermark()
    {
        final Loop upstream = new Loop(true);
        final Loop parked = new Loop(false);
        for (final Loop loop : List.of(upstream, parked))
        {
            loop.at(MS, new MasterRequest.MountSegment(loop.nextId(), new Segment(1, "s:1", 0, 64 << 10, 1, "h1"), 1));
            loop.at(2 * MS, new MasterRequest.MountSegment(loop.nextId(), new Segment(2, "s:2", 0, 64 << 10, 2, "h2"),
                2));
            for (int i = 0; i < 15; i++)
            {
                final StoreKey key = StoreKey.of("k" + i);
                loop.at(5 * MS + i * MS, new MasterRequest.PutStart(loop.nextId(), 1, key, 4_096, PREFER_SEGMENT_1));
                loop.at(5 * MS + i * MS + 500_000, new MasterRequest.PutEnd(loop.nextId(), 1, key));
            }
            for (long t = 300 * MS; t < RUN_NS; t += 1_000 * MS)
            {
                loop.at(t, new MasterRequest.Ping(loop.nextId(), 1));
                if (t < 2_000 * MS)
                {
                    loop.at(t + 7, new MasterRequest.Ping(loop.nextId(), 2));
                }
            }
            loop.run();
        }

        assertThat(parked.log).isEqualTo(upstream.log);
        assertThat(parked.log).as("60 KiB on segment 1 alone: 94% once segment 2 is gone, evicted at that second")
            .anyMatch(line -> line.matches("segments 1 keys \\d+ attempts 1 .* at \\d+000000000"));
    }

    /** Requests from two clients in two bursts; client 2 stops pinging after 10 s. */
    private static void workload(final Loop loop, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        loop.at(MS, new MasterRequest.MountSegment(loop.nextId(), new Segment(1, "s:1", 0, 256 << 10, 1,
            "h1"), 1));
        loop.at(2 * MS, new MasterRequest.MountSegment(loop.nextId(), new Segment(2, "s:2", 0, 128 << 10, 2,
            "h2"), 2));
        for (long t = 300 * MS; t < RUN_NS; t += 1_000 * MS)
        {
            loop.at(t, new MasterRequest.Ping(loop.nextId(), 1));
            if (t < 10_000 * MS)
            {
                loop.at(t + 7, new MasterRequest.Ping(loop.nextId(), 2));
            }
        }
        for (int i = 0; i < 3_000; i++)
        {
            // two bursts, 0-8 s and 18-22 s; idle between and after them
            final long drawn = i % 3 == 0 ? 18_000 * MS + random.nextLong(4_000 * MS)
                : 5 * MS + random.nextLong(8_000 * MS);
            // a tenth exactly on the grid, where a pass and a request share an instant
            final long t = i % 10 == 0 ? drawn - drawn % (10 * MS) : drawn;
            final StoreKey key = StoreKey.of("k" + random.nextInt(120));
            final int kind = random.nextInt(100);
            if (kind < 55)
            {
                loop.at(t, new MasterRequest.PutStart(loop.nextId(), 1, key, 4_096L * (1 + random.nextInt(4)),
                    PREFER_SEGMENT_1));
                if (random.nextInt(100) < 85)
                {
                    loop.at(t + 300_000 + random.nextLong(3 * MS), new MasterRequest.PutEnd(loop.nextId(), 1,
                        key));
                }
            }
            else if (kind < 70)
            {
                loop.at(t, new MasterRequest.Remove(loop.nextId(), key, false));
            }
            else if (kind < 85)
            {
                loop.at(t, new MasterRequest.GetReplicaList(loop.nextId(), key));
            }
            else
            {
                loop.at(t, new MasterRequest.ExistKey(loop.nextId(), key));
            }
        }
    }

    /** One master on a test event loop ordered by (time, scheduling sequence), as the simulator's queue is. */
    private static final class Loop extends MasterTestContext
    {
        private record Event(long at, long seq, Runnable action)
        {
        }

        final MasterNode node = new MasterNode(CONFIG);
        final List<String> log = new ArrayList<>();
        final boolean everyPeriod;
        int evictionTicks;
        private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
        private final Map<Long, Event> timers = new HashMap<>();
        private final SplittableRandom random = new SplittableRandom(7);
        private long now;
        private long seq;
        private long requestIds;
        private String lastState = "";

        /** @param everyPeriod ignore the node's eviction timer and tick every 10 ms, as upstream's thread does */
        Loop(final boolean everyPeriod)
        {
            this.everyPeriod = everyPeriod;
        }

        long nextId()
        {
            return ++requestIds;
        }

        /** A request delivered at {@code t}, sent 50 us before (its place among same-instant events). */
        void at(final long t, final MasterRequest request)
        {
            queue.add(new Event(t - SEND_AHEAD_NS, seq++, () -> queue.add(new Event(t, seq++,
                () -> node.onMessage(new NodeId(1, "client"), request)))));
        }

        void run()
        {
            node.onStart(this);
            if (everyPeriod)
            {
                tickEvery10Ms();
            }
            while (!queue.isEmpty() && queue.peek().at <= RUN_NS)
            {
                final Event e = queue.poll();
                now = e.at;
                e.action.run();
                final MasterService s = node.service();
                final String state = "segments " + s.segmentCount() + " keys " + s.keyCount() + " attempts "
                    + s.counters().evictionAttempts() + " evicted " + s.counters().evictedKeys() + " released "
                    + s.counters().putStartReleased();
                if (!state.equals(lastState))
                {
                    log.add(state + " at " + now);
                    lastState = state;
                }
            }
        }

        private void tickEvery10Ms()
        {
            queue.add(new Event(now + 10 * MS, seq++, () ->
            {
                evictionTicks++;
                node.onTimer(EVICTION_TIMER);
                tickEvery10Ms();
            }));
        }

        @Override
        public long now()
        {
            return now;
        }

        @Override
        public void schedule(final long delayNs, final long timerId)
        {
            if (everyPeriod && timerId == EVICTION_TIMER)
            {
                return;
            }
            cancel(timerId);
            final Event[] self = new Event[1];
            self[0] = new Event(now + delayNs, seq++, () ->
            {
                if (timers.get(timerId) != self[0])
                {
                    return;
                }
                timers.remove(timerId);
                if (timerId == EVICTION_TIMER)
                {
                    evictionTicks++;
                }
                node.onTimer(timerId);
            });
            timers.put(timerId, self[0]);
            queue.add(self[0]);
        }

        @Override
        public void cancel(final long timerId)
        {
            timers.remove(timerId);
        }

        @Override
        public void send(final NodeId to, final Message message)
        {
            final MasterReply reply = (MasterReply)message;
            log.add("reply " + reply.requestId() + " " + reply.error() + " " + reply.value() + " at " + now);
        }

        @Override
        public RandomGenerator random()
        {
            return random;
        }
    }
}
