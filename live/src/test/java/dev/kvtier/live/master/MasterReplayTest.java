package dev.kvtier.live.master;

import dev.kvtier.live.LiveMaster;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.input.Delivery;
import dev.kvtier.model.node.input.NodeInput;
import dev.kvtier.model.node.input.Start;
import dev.kvtier.model.node.input.TimerFired;
import dev.kvtier.model.store.AllocationStrategy;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.MasterService;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.StoreKey;
import dev.kvtier.sim.runtime.InputReplay;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime boundary is recordable: a live master driven over TCP, its inputs tapped into memory, replayed into a
 * fresh {@link MasterNode} in the simulator, sends exactly the replies the TCP client received and ends in exactly
 * the state the live one reached — including what its timers did on wall time (eviction passes when the store
 * filled up, a client expired when its pings stopped), which no request script could reproduce without the
 * recording.
 */
class MasterReplayTest
{
    private static final long MIB = 1 << 20;
    private static final long CLIENT_A = 7;
    private static final long CLIENT_B = 8;
    /** Leases of 200 ms and a client TTL of 800 ms, so timer-driven work happens within the test. */
    private static final MasterConfig CONFIG = new MasterConfig(200, 86_400_000, true, 0.05, 0.90, 800, 30_000,
        600_000, AllocationStrategy.RANDOM);
    private static final Segment SEGMENT_A = new Segment(11, "127.0.0.1:12400", 0x7f00_0000_0000L, 16 * MIB, CLIENT_A,
        "host-a");
    private static final Segment SEGMENT_B = new Segment(12, "127.0.0.1:12401", 0x7f10_0000_0000L, 16 * MIB, CLIENT_B,
        "host-b");
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    /** The script's client: every request gets the next id, every reply is kept in order. */
    private static final class Client
    {
        final MasterRpcClient rpc;
        final List<MasterReply> replies = new ArrayList<>();
        long nextId = 1;

        Client(final MasterRpcClient rpc)
        {
            this.rpc = rpc;
        }

        MasterReply call(final java.util.function.LongFunction<MasterRequest> request) throws Exception
        {
            final MasterReply r = rpc.call(request.apply(nextId++), 5000);
            replies.add(r);
            return r;
        }
    }

    /** What the two masters are compared on: segments, keys with their replicas, and every exported metric. */
    private static String state(final MasterNode node)
    {
        final MasterService s = node.service();
        final StringBuilder sb = new StringBuilder();
        sb.append("segments ").append(s.allSegments()).append('\n');
        for (final String key : s.keys())
        {
            sb.append(key).append(' ').append(s.queryKey(key)).append('\n');
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try
        {
            PrometheusTextFormatWriter.create().write(out, MasterMetrics.snapshot(node));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return sb.append(out).toString();
    }

    /** Pings both or one client until {@code done} holds on the master's thread (bounded). */
    private static void pingUntil(final LiveMaster master, final Client client, final boolean pingB,
        final Predicate<MasterService> done) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!master.server().runner().query(() -> done.test(master.server().node().service()))
            .get(5, TimeUnit.SECONDS))
        {
            if (System.nanoTime() > deadline)
            {
                final String now = master.server().runner().query(() -> state(master.server().node()))
                    .get(5, TimeUnit.SECONDS);
                throw new AssertionError("the master's timers did not do their work in time; state " + now);
            }
            // pings paced a little apart keep the clients alive without flooding the recording
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            client.call(id -> new MasterRequest.Ping(id, CLIENT_A));
            if (pingB)
            {
                client.call(id -> new MasterRequest.Ping(id, CLIENT_B));
            }
        }
    }

    @Test
    void shouldReplayARecordedLiveMasterIntoTheSameRepliesAndState() throws Exception
    {
        final ConcurrentLinkedQueue<NodeInput> recording = new ConcurrentLinkedQueue<>();
        final String liveState;
        final int recorded;
        final Client client;
        final ReplicateConfig one = ReplicateConfig.defaults();
        try (LiveMaster master = new LiveMaster(CONFIG, 0, (node, input) -> recording.add(input));
             MasterRpcClient rpc = MasterRpcClient.connect(master.rpcAddress()))
        {
            client = new Client(rpc);
            client.call(id -> new MasterRequest.MountSegment(id, SEGMENT_A, CLIENT_A));
            client.call(id -> new MasterRequest.MountSegment(id, SEGMENT_B, CLIENT_B));
            // a ping answers NEED_REMOUNT until the remount puts the client in the live set
            client.call(id -> new MasterRequest.Ping(id, CLIENT_A));
            client.call(id -> new MasterRequest.ReMountSegment(id, List.of(SEGMENT_A), CLIENT_A));
            client.call(id -> new MasterRequest.ReMountSegment(id, List.of(SEGMENT_B), CLIENT_B));
            for (int i = 0; i < 30; i++)
            {
                final String key = "k" + i;
                client.call(id -> new MasterRequest.PutStart(id, CLIENT_A, key, MIB, one));
                client.call(id -> new MasterRequest.PutEnd(id, CLIENT_A, key));
                client.call(id -> new MasterRequest.Ping(id, CLIENT_A));
                client.call(id -> new MasterRequest.Ping(id, CLIENT_B));
            }
            client.call(id -> new MasterRequest.GetReplicaList(id, "k3"));
            client.call(id -> new MasterRequest.BatchGetReplicaList(id, StoreKey.of(List.of("k4", "k5", "absent"))));
            // 30 of 32 MiB is past the 90% watermark: the 10 ms eviction timer must drop objects
            pingUntil(master, client, true, s -> s.counters().evictedKeys() > 0);
            // client B stops pinging: the 1 s client monitor expires it after 800 ms, unmounting its segment
            pingUntil(master, client, false, s -> s.liveClients() == 1);
            client.call(id -> new MasterRequest.Ping(id, CLIENT_B));
            client.call(id -> new MasterRequest.ReMountSegment(id, List.of(SEGMENT_B), CLIENT_B));
            client.call(id -> new MasterRequest.BatchPutStart(id, CLIENT_B, StoreKey.of(List.of("b1", "b2", "huge")),
                List.of(MIB, 2 * MIB, 64 * MIB), one));
            client.call(id -> new MasterRequest.BatchPutEnd(id, CLIENT_B, StoreKey.of(List.of("b1", "b2"))));
            client.call(id -> new MasterRequest.BatchExistKey(id, StoreKey.of(List.of("k0", "k29", "b1", "huge"))));
            client.call(id -> new MasterRequest.Remove(id, "k29", false));
            client.call(id -> new MasterRequest.Remove(id, "k28", true));
            client.call(id -> new MasterRequest.GetReplicaList(id, "b1"));
            client.call(id -> new MasterRequest.Remove(id, "b1", false));
            client.call(id -> new MasterRequest.BatchRemove(id, StoreKey.of(List.of("k27", "absent")), true));
            client.call(id -> new MasterRequest.RemoveByRegex(id, "^k1[0-4]$", true));
            client.call(id -> new MasterRequest.GetSize(id, "b2"));
            client.call(id -> new MasterRequest.GetReplicaList(id, "never-put"));
            client.call(id -> new MasterRequest.PutStart(id, CLIENT_A, "too-big", 64 * MIB, one));
            client.call(id -> new MasterRequest.PutStart(id, CLIENT_A, "z", MIB, one));
            client.call(id -> new MasterRequest.PutRevoke(id, CLIENT_A, "z"));
            client.call(id -> new MasterRequest.UnmountSegment(id, SEGMENT_A.id(), CLIENT_A));
            // the state and the length of the recording are read together on the master's thread
            final Object[] cut = master.server().runner().query(() -> new Object[] {
                state(master.server().node()), recording.size()}).get(5, TimeUnit.SECONDS);
            liveState = (String)cut[0];
            recorded = (Integer)cut[1];
        }

        final List<NodeInput> inputs = new ArrayList<>(recording).subList(0, recorded);
        assertThat(inputs.get(0)).isInstanceOf(Start.class);
        assertThat(inputs.stream().filter(Delivery.class::isInstance)).hasSize(client.replies.size());
        // both timers did work the test waited for (an eviction, an expired client): whatever the machine's load and so
        // however often they fired, the recording holds firings of each
        assertThat(inputs.stream().filter(TimerFired.class::isInstance).map(t -> ((TimerFired)t).timerId()).distinct())
            .as("the eviction and the client monitor timers").hasSizeGreaterThanOrEqualTo(2);

        final MasterNode fresh = new MasterNode(CONFIG);
        final InputReplay replay = new InputReplay(fresh).replay(inputs);
        final List<Object> replayedReplies = new ArrayList<>();
        final NodeId clientAddress = inputs.stream().filter(Delivery.class::isInstance).map(Delivery.class::cast)
            .findFirst().orElseThrow().from();
        for (final InputReplay.Sent s : replay.sent())
        {
            assertThat(s.to()).isEqualTo(clientAddress);
            replayedReplies.add(s.message());
        }
        assertThat(replayedReplies).containsExactlyElementsOf(client.replies);
        assertThat(state(fresh)).isEqualTo(liveState);
        // the run did what it was meant to exercise
        assertThat(liveState).contains("master_evicted_key_count").doesNotContain("master_evicted_key_count 0.0");
        assertThat(client.replies.stream().map(r -> r.error().name()).distinct())
            .contains("OK", "OBJECT_NOT_FOUND", "NO_AVAILABLE_HANDLE", "OBJECT_HAS_LEASE");
    }
}
