package dev.kvtier.live.client;

import dev.kvtier.live.master.MasterOptions;
import dev.kvtier.live.master.MasterServer;
import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.AllocationStrategy;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.LocalSlice;
import dev.kvtier.model.store.client.StoreClientNode;
import dev.kvtier.model.store.client.StoreCommand;
import dev.kvtier.model.store.client.StoreCommandReply;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.sim.runtime.SimRuntime;
import dev.kvtier.transport.sim.LatencyNetwork;
import dev.kvtier.transport.tcp.transfer.NativeMemory;
import dev.kvtier.transport.tcp.transfer.TcpTransferEngine;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One store client protocol, two runtimes: the same script of puts, gets, exists and removes, with a store
 * service killed halfway, runs against a master, three store services and a client stepped by the simulator and
 * against the same node classes hosted live over TCP (master RPCs, the metadata service, transfer lanes). Every
 * reply must be the same both ways, and every value read must be its key's bytes. Placements are pinned with
 * preferred segments so that both masters place the same replicas whatever their random streams.
 */
class StoreClientBothWaysTest
{
    private static final int SEGMENT_BYTES = 1 << 20;
    private static final int LOCAL_BYTES = 64 * 1024;
    private static final int SLOT = 8192;
    private static final int CRASH_STEP = 9;
    private static final MasterConfig CONFIG = new MasterConfig(10_000, 86_400_000, true, 0, 0.9, 60_000, 30_000,
        600_000, AllocationStrategy.RANDOM);

    /** Step {@code i} of the script for a client whose local buffer is region {@code region}. */
    private static List<LongFunction<StoreCommand>> script(final int region)
    {
        final ReplicateConfig twoOn01 = new ReplicateConfig(2, 0, false, List.of("store-0", "store-1"), "");
        final ReplicateConfig oneOn2 = new ReplicateConfig(1, 0, false, List.of("store-2"), "");
        final ReplicateConfig oneOn0 = new ReplicateConfig(1, 0, false, List.of("store-0"), "");
        final List<LongFunction<StoreCommand>> s = new ArrayList<>();
        s.add(id -> new StoreCommand.Put(id, List.of("a", "b"), List.of(slice(region, 0, 1000), slice(region, 1,
            3000)), twoOn01));
        s.add(id -> new StoreCommand.Put(id, List.of("c"), List.of(slice(region, 0, 2000)), oneOn2));
        s.add(id -> new StoreCommand.Put(id, List.of("a"), List.of(slice(region, 0, 500)), oneOn2));
        s.add(id -> new StoreCommand.Put(id, List.of("huge"), List.of(new LocalSlice(region, 0, 2L * SEGMENT_BYTES)),
            oneOn2));
        s.add(id -> new StoreCommand.Exists(id, List.of("a", "b", "c", "zz")));
        s.add(id -> new StoreCommand.Get(id, List.of("a", "b", "c", "zz"), List.of(slot(region, 0), slot(region, 1),
            slot(region, 2), slot(region, 3))));
        s.add(id -> new StoreCommand.Get(id, List.of("b"), List.of(new LocalSlice(region, 0, 100))));
        s.add(id -> new StoreCommand.Remove(id, "a", false));
        s.add(id -> new StoreCommand.Get(id, List.of("c"), List.of(slot(region, 0))));
        // CRASH_STEP: store-0 dies before this step
        s.add(id -> new StoreCommand.Get(id, List.of("a", "b"), List.of(slot(region, 0), slot(region, 1))));
        s.add(id -> new StoreCommand.Put(id, List.of("d"), List.of(slice(region, 0, 1500)), oneOn0));
        s.add(id -> new StoreCommand.Get(id, List.of("d", "c"), List.of(slot(region, 0), slot(region, 1))));
        s.add(id -> new StoreCommand.Remove(id, "c", true));
        s.add(id -> new StoreCommand.Get(id, List.of("c"), List.of(slot(region, 0))));
        s.add(id -> new StoreCommand.RemoveAll(id, true));
        return s;
    }

    private static LocalSlice slot(final int region, final int i)
    {
        return new LocalSlice(region, (long)i * SLOT, SLOT);
    }

    /** A put's source slice; the bytes of its key are written there by {@link #prepare}. */
    private static LocalSlice slice(final int region, final int i, final int size)
    {
        return new LocalSlice(region, (long)i * SLOT, size);
    }

    /** Before a put, its values' bytes go into the local buffer; before a get, the buffer is poisoned. */
    private static void prepare(final StoreCommand c, final ByteBuffer local)
    {
        if (c instanceof StoreCommand.Put p)
        {
            for (int i = 0; i < p.keys().size(); i++)
            {
                final LocalSlice s = p.sources().get(i);
                if (s.offset() + s.length() <= LOCAL_BYTES)
                {
                    fill(p.keys().get(i), local, (int)s.offset(), (int)s.length());
                }
            }
        }
        else if (c instanceof StoreCommand.Get)
        {
            for (int i = 0; i < LOCAL_BYTES; i++)
            {
                local.put(i, (byte)0x5A);
            }
        }
    }

    /** After a get, every value it says it read must be its key's bytes. */
    private static void check(final StoreCommand c, final long[] values, final ByteBuffer local)
    {
        if (c instanceof StoreCommand.Get g)
        {
            for (int i = 0; i < g.keys().size(); i++)
            {
                if (values[i] > 0)
                {
                    final int at = (int)g.destinations().get(i).offset();
                    final int h = g.keys().get(i).hashCode();
                    for (int b = 0; b < values[i]; b++)
                    {
                        assertThat(local.get(at + b)).as(g.keys().get(i) + " byte " + b).isEqualTo((byte)(h + b * 13));
                    }
                }
            }
        }
    }

    private static void fill(final String key, final ByteBuffer buffer, final int at, final int size)
    {
        final int h = key.hashCode();
        for (int b = 0; b < size; b++)
        {
            buffer.put(at + b, (byte)(h + b * 13));
        }
    }

    private static List<List<Long>> asLists(final List<long[]> replies)
    {
        final List<List<Long>> out = new ArrayList<>();
        for (final long[] r : replies)
        {
            final List<Long> l = new ArrayList<>();
            for (final long v : r)
            {
                l.add(v);
            }
            out.add(l);
        }
        return out;
    }

    // ---- the simulator ---------------------------------------------------------------------------------------

    private static List<long[]> simulated()
    {
        final SimRuntime sim = new SimRuntime(5, new LatencyNetwork(50_000));
        final NodeId master = sim.add("master", new MasterNode(CONFIG));
        final List<NodeId> services = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Segment seg = new Segment(11 + i, "store-" + i, (i + 1L) << 32, SEGMENT_BYTES, 11 + i, "host");
            services.add(sim.add("store-" + i, new StoreClientNode(master, 11 + i, seg,
                MemoryRegion.of(ByteBuffer.allocateDirect(SEGMENT_BYTES)))));
        }
        final NodeId client = sim.add("client", new StoreClientNode(master, 99, null, null));
        final ByteBuffer local = ByteBuffer.allocateDirect(LOCAL_BYTES);
        final List<long[]> replies = new ArrayList<>();
        final List<StoreCommand> sent = new ArrayList<>();
        final List<LongFunction<StoreCommand>>[] steps = new List[1];
        sim.onDriverMessage((from, m) ->
        {
            final StoreCommandReply reply = (StoreCommandReply)m;
            if (steps[0] == null)
            {
                steps[0] = script((int)reply.values()[0]);
            }
            else
            {
                check(sent.get(sent.size() - 1), reply.values(), local);
                replies.add(reply.values());
            }
            final int next = replies.size();
            if (next < steps[0].size())
            {
                if (next == CRASH_STEP)
                {
                    sim.crash(services.get(0), sim.now());
                }
                final StoreCommand c = steps[0].get(next).apply(next + 1);
                prepare(c, local);
                sent.add(c);
                sim.inject(client, c, sim.now() + 1_000_000);
            }
        });
        sim.inject(client, new StoreCommand.Register(0, MemoryRegion.of(local)), 100_000_000);
        sim.runUntil(60_000_000_000L);
        return replies;
    }

    // ---- live --------------------------------------------------------------------------------------------------

    private static final class LiveService implements AutoCloseable
    {
        final LiveRuntime runtime;
        final MasterChannel channel;
        final NodeRunner runner;
        final StoreClientNode node;

        LiveService(final int i, final String master, final EndpointDirectory directory) throws Exception
        {
            final ByteBuffer memory = ByteBuffer.allocateDirect(SEGMENT_BYTES);
            final Segment seg = new Segment(11 + i, "store-" + i, NativeMemory.addressOf(memory), SEGMENT_BYTES,
                11 + i, "host");
            runtime = new LiveRuntime().transfers(TcpTransferEngine.open("127.0.0.1", 2000), directory);
            channel = new MasterChannel(master, 5000, (to, m) ->
            {
            }).connect();
            node = new StoreClientNode(MasterChannel.MASTER, 11 + i, seg, MemoryRegion.of(memory));
            runner = runtime.add("store-" + i, node);
            channel.replyTo(runner);
            runtime.remote(channel);
            runtime.start();
            runtime.exposed("store-" + i).get(10, TimeUnit.SECONDS);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (runner.query(node::mountResult).get(10, TimeUnit.SECONDS) != 0)
            {
                assertThat(System.nanoTime()).as("store-" + i + " mounted in time").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }

        @Override
        public void close()
        {
            runtime.close();
            channel.close();
        }
    }

    private static List<long[]> live() throws Exception
    {
        final MasterOptions options = new MasterOptions("127.0.0.1", 0, true, "127.0.0.1", 0, "127.0.0.1", 0, false,
            CONFIG);
        final List<long[]> replies = new ArrayList<>();
        try (MasterServer server = new MasterServer(options).start())
        {
            final String master = "127.0.0.1:" + server.rpcPort();
            final String metadata = "http://127.0.0.1:" + server.metadataPort() + "/metadata";
            final List<LiveService> services = new ArrayList<>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    services.add(new LiveService(i, master, new SegmentDirectory(metadata)));
                }
                final ByteBuffer local = ByteBuffer.allocateDirect(LOCAL_BYTES);
                try (HostedStoreClient client = new HostedStoreClient(master, 99, null, null,
                    TcpTransferEngine.open("127.0.0.1", 2000), new SegmentDirectory(metadata), 20_000))
                {
                    final int region = (int)client.call(id -> new StoreCommand.Register(id, MemoryRegion.of(local)),
                        1)[0];
                    final List<LongFunction<StoreCommand>> steps = script(region);
                    for (int i = 0; i < steps.size(); i++)
                    {
                        if (i == CRASH_STEP)
                        {
                            services.get(0).close();
                        }
                        final int n = i;
                        final StoreCommand[] c = new StoreCommand[1];
                        final long[] values = client.call(id ->
                        {
                            c[0] = steps.get(n).apply(id);
                            prepare(c[0], local);
                            return c[0];
                        }, 4);
                        check(c[0], values, local);
                        replies.add(values);
                    }
                }
            }
            finally
            {
                for (final LiveService s : services)
                {
                    s.close();
                }
            }
        }
        return replies;
    }

    @Test
    void theSameScriptGivesTheSameRepliesInTheSimulatorAndLive() throws Exception
    {
        final List<List<Long>> sim = asLists(simulated());
        final List<List<Long>> live = asLists(live());
        assertThat(sim).hasSize(script(0).size());
        assertThat(live).isEqualTo(sim);
        // the script reaches the outcomes it is written for: a fallback read after the crash, a revoked put into the
        // dead store, a leased remove, a too-small buffer, an existing key and a value no segment can hold
        assertThat(sim.get(2)).containsExactly(-705L);
        assertThat(sim.get(3)).containsExactly(-200L);
        assertThat(sim.get(5)).containsExactly(1000L, 3000L, 2000L, -704L);
        assertThat(sim.get(6)).containsExactly(-10L);
        assertThat(sim.get(7)).containsExactly(-706L);
        assertThat(sim.get(9)).containsExactly(1000L, 3000L);
        assertThat(sim.get(10)).containsExactly(-800L);
        assertThat(sim.get(11)).containsExactly(-704L, 2000L);
    }
}
