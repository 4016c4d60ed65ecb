package dev.kvtier.sim.fault;

import dev.kvtier.model.network.FlowNetwork;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.AllocationStrategy;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.LocalSlice;
import dev.kvtier.model.store.client.StoreClientCounters;
import dev.kvtier.model.store.client.StoreClientNode;
import dev.kvtier.model.store.client.StoreCommand;
import dev.kvtier.model.store.client.StoreCommandReply;
import dev.kvtier.sim.runtime.SimRuntime;
import dev.kvtier.transport.sim.LatencyNetwork;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One seeded run of the store protocol under faults: a master, three store services with heap-backed segments and
 * one client node, driven by a random script of puts (one or two replicas, some of existing keys, some too large),
 * gets (some into too small a buffer), exists and removes, while transfers fail at random, a store service may
 * crash and the master may restart. Every reply is checked against what the protocol promises; violations are
 * collected, not thrown, so a sweep can report the seed that broke.
 */
final class StoreFaultRun
{
    static final int SERVICES = 3;
    static final int SEGMENT_BYTES = 64 * 1024;
    static final int SLOT = 4096;
    static final int BATCH = 4;

    final long seed;
    final List<String> violations = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final Map<Integer, Long> codesSeen = new TreeMap<>();
    long opsDone;
    long readsVerified;
    long failures;
    StoreClientCounters clientCounters;
    long serviceRemounts;
    long serviceRpcTimeouts;

    private final SplittableRandom random;
    private final SimRuntime runtime;
    private final NodeId masterId;
    private final NodeId clientId;
    private final MasterNode[] master = new MasterNode[1];
    private final StoreClientNode client;
    private final StoreClientNode[] services = new StoreClientNode[SERVICES];
    private final ByteBuffer local = ByteBuffer.allocate(BATCH * SLOT);
    private final Map<String, Integer> sealedSize = new HashMap<>();
    private final Map<String, Long> sealedAtLoss = new HashMap<>();
    private final List<String> everPut = new ArrayList<>();
    private final int opsWanted;
    private long lossEvents;
    private long nextKey;
    private long nextCommand = 1;
    private int region = -1;
    private StoreCommand pending;
    private long pendingMark;
    private int aimedRestarts;
    private final MasterConfig config;
    private boolean draining;
    private boolean finished;

    StoreFaultRun(final long seed, final int ops)
    {
        this.seed = seed;
        this.opsWanted = ops;
        this.random = new SplittableRandom(seed);
        this.runtime = new SimRuntime(seed, new LatencyNetwork(1_000_000));
        config = new MasterConfig(200, 86_400_000, true, 0.2, 0.85, 2_000, 3_000, 6_000,
            AllocationStrategy.RANDOM);
        master[0] = new MasterNode(config);
        masterId = runtime.add("master", master[0]);
        for (int i = 0; i < SERVICES; i++)
        {
            final long id = 10 + i;
            final String name = "store-" + i;
            final Segment segment = new Segment(id, name, (i + 1L) << 32, SEGMENT_BYTES, id, "host-" + i);
            services[i] = new StoreClientNode(masterId, id, segment,
                MemoryRegion.of(ByteBuffer.allocate(SEGMENT_BYTES)));
            runtime.add(name, services[i]);
        }
        client = new StoreClientNode(masterId, 99, null, null);
        clientId = runtime.add("client", client);
        final int n = SERVICES + 2;
        final double[] nic = new double[n];
        Arrays.fill(nic, 1.0);
        final double[] copy = new double[n];
        Arrays.fill(copy, 10.0);
        runtime.useFlowNetwork(new FlowNetwork(nic, nic.clone(), copy, 1_000_000));
        runtime.useFaultPlan(new RandomFaultPlan(random.nextLong(), 0.03 + 0.12 * random.nextDouble()));
        final long horizon = ops * 36_000_000L;
        if (random.nextBoolean())
        {
            final NodeId victim = new NodeId(1 + random.nextInt(SERVICES), "store");
            runtime.crash(victim, random.nextLong(horizon));
        }
        final int restarts = random.nextInt(4);
        for (int r = 0; r < restarts; r++)
        {
            // down for up to a second, or only for a moment: requests sent meanwhile are lost and time out at the
            // client; a short outage lets the second half of a protocol reach a master that never saw the first
            final long at = 500_000_000L + r * horizon / 3 + random.nextLong(horizon / 3);
            final long downtime = random.nextBoolean() ? random.nextLong(3_000_000L) : random.nextLong(1_000_000_000L);
            restartMaster(at, downtime);
        }
        aimedRestarts = random.nextInt(3) == 0 ? 1 : 0;
        runtime.onDriverMessage((from, m) -> onReply((StoreCommandReply)m));
    }

    StoreFaultRun run()
    {
        // let the services mount before the first command
        send(new StoreCommand.Register(nextCommand++, MemoryRegion.of(local)), 200_000_000L);
        runtime.stopWhen(() -> finished);
        runtime.runUntil(opsWanted * 60_000_000L + 60_000_000_000L);
        if (!finished)
        {
            violations.add("seed " + seed + ": the script did not finish (a command never got a reply)");
        }
        clientCounters = client.client().counters();
        for (final StoreClientNode s : services)
        {
            serviceRemounts += s.client().counters().remounts();
            serviceRpcTimeouts += s.client().counters().rpcTimeouts();
        }
        return this;
    }

    private void restartMaster(final long at, final long downtime)
    {
        runtime.crash(masterId, at);
        runtime.restart(masterId, () ->
        {
            lossEvents++;
            master[0] = new MasterNode(config);
            return master[0];
        }, at + downtime);
    }

    private void send(final StoreCommand command, final long delayNs)
    {
        pending = command;
        pendingMark = lossMark();
        runtime.inject(clientId, command, runtime.now() + delayNs);
    }

    private long crashedServices()
    {
        long dead = 0;
        for (int i = 0; i < SERVICES; i++)
        {
            if (runtime.isDead(new NodeId(1 + i, "store-" + i)))
            {
                dead++;
            }
        }
        return dead;
    }

    private long lossMark()
    {
        if (runtime.isDead(masterId))
        {
            return -2;
        }
        final long evicted = master[0].service() == null ? 0 : master[0].service().counters().evictedKeys();
        return lossEvents * 1_000_000L + crashedServices() * 1_000L + evicted * 1_000_000_000L;
    }

    private void onReply(final StoreCommandReply reply)
    {
        final StoreCommand command = pending;
        log.add(runtime.now() + " " + command + " -> " + Arrays.toString(reply.values()) + " mark=" + lossMark());
        if (command == null || reply.id() != command.id())
        {
            violations.add("seed " + seed + ": reply " + reply.id() + " matches no pending command");
            return;
        }
        for (final long v : reply.values())
        {
            if (v < 0)
            {
                failures++;
                codesSeen.merge((int)v, 1L, Long::sum);
            }
        }
        if (command instanceof StoreCommand.Register)
        {
            region = (int)reply.values()[0];
        }
        else if (command instanceof StoreCommand.Put p)
        {
            checkPut(p, reply.values());
        }
        else if (command instanceof StoreCommand.Get g)
        {
            checkGet(g, reply.values());
        }
        else if (command instanceof StoreCommand.Remove r && reply.values()[0] == 0)
        {
            sealedSize.remove(r.key());
        }
        else if (command instanceof StoreCommand.RemoveAll)
        {
            if (draining)
            {
                checkNoLeak();
                finished = true;
                return;
            }
            sealedSize.clear();
        }
        opsDone++;
        next();
    }

    private void next()
    {
        if (opsDone >= opsWanted)
        {
            // past every lease, discard timeout and client TTL: what is left must be removable down to zero
            draining = true;
            send(new StoreCommand.RemoveAll(nextCommand++, true), 8_000_000_000L);
            return;
        }
        final long think = random.nextLong(20_000_000L);
        final int kind = random.nextInt(100);
        if (kind < 45 || everPut.isEmpty())
        {
            send(put(), think);
            if (aimedRestarts > 0 && random.nextInt(10) == 0)
            {
                // between the master's PutStart (1 ms away) and the PutEnd that follows the writes: the end reaches
                // a master that never saw the start
                aimedRestarts--;
                restartMaster(runtime.now() + think + 1_500_000L, 100_000L);
            }
        }
        else if (kind < 85)
        {
            send(get(), think);
        }
        else if (kind < 93)
        {
            send(new StoreCommand.Exists(nextCommand++, pick(1 + random.nextInt(BATCH))), think);
        }
        else if (kind < 98)
        {
            send(new StoreCommand.Remove(nextCommand++, everPut.get(random.nextInt(everPut.size())), true), think);
        }
        else
        {
            send(new StoreCommand.RemoveAll(nextCommand++, true), think);
        }
    }

    private StoreCommand put()
    {
        final int n = 1 + random.nextInt(BATCH);
        final List<String> keys = new ArrayList<>(n);
        final List<LocalSlice> slices = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final String key = !everPut.isEmpty() && random.nextInt(10) == 0
                ? everPut.get(random.nextInt(everPut.size())) : "key-" + seed + "-" + nextKey++;
            if (keys.contains(key))
            {
                continue;
            }
            final int size = random.nextInt(40) == 0 ? SEGMENT_BYTES * 2 : 64 + random.nextInt(SLOT - 64);
            final int at = keys.size() * SLOT;
            if (size <= SLOT)
            {
                fill(key, local, at, size);
            }
            keys.add(key);
            slices.add(new LocalSlice(region, at, size));
        }
        final ReplicateConfig config = ReplicateConfig.defaults().withReplicas(1 + random.nextInt(2));
        return new StoreCommand.Put(nextCommand++, keys, slices, config);
    }

    private void checkPut(final StoreCommand.Put put, final long[] codes)
    {
        for (int i = 0; i < put.keys().size(); i++)
        {
            final String key = put.keys().get(i);
            if (!everPut.contains(key))
            {
                everPut.add(key);
            }
            if (codes[i] == 0)
            {
                if (put.sources().get(i).length() > SLOT)
                {
                    violations.add("seed " + seed + ": a value larger than every segment was stored: " + key);
                }
                sealedSize.put(key, (int)put.sources().get(i).length());
                // a loss between sending the put and its reply may already have taken the value
                sealedAtLoss.put(key, pendingMark);
            }
        }
    }

    private List<String> pick(final int n)
    {
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final String k = random.nextInt(8) == 0 ? "never-" + random.nextInt(1000)
                : everPut.get(random.nextInt(everPut.size()));
            if (!keys.contains(k))
            {
                keys.add(k);
            }
        }
        return keys;
    }

    private StoreCommand get()
    {
        final List<String> keys = pick(1 + random.nextInt(BATCH));
        final List<LocalSlice> slices = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++)
        {
            // poison the destination so a read that claims success but moved nothing shows
            for (int b = 0; b < SLOT; b++)
            {
                local.put(i * SLOT + b, (byte)0x5A);
            }
            final int length = random.nextInt(20) == 0 ? 32 : SLOT;
            slices.add(new LocalSlice(region, (long)i * SLOT, length));
        }
        return new StoreCommand.Get(nextCommand++, keys, slices);
    }

    private void checkGet(final StoreCommand.Get get, final long[] values)
    {
        for (int i = 0; i < get.keys().size(); i++)
        {
            final String key = get.keys().get(i);
            final long v = values[i];
            final Integer size = sealedSize.get(key);
            if (v >= 0)
            {
                if ((size != null && v != size) || !verify(key, local, i * SLOT, (int)v))
                {
                    violations.add("seed " + seed + ": get of " + key + " returned " + v
                        + " bytes that are not its value");
                }
                else
                {
                    readsVerified++;
                }
                continue;
            }
            final boolean passing = v == ErrorCode.TRANSFER_FAIL.code() || v == ErrorCode.INVALID_READ.code()
                || v == ErrorCode.RPC_TIMEOUT.code() || v == ErrorCode.BUFFER_OVERFLOW.code();
            if (size != null && !passing && sealedAtLoss.get(key) == lossMark())
            {
                violations.add("seed " + seed + ": " + key + " was stored and nothing was lost since, but get "
                    + "answered " + v);
            }
        }
    }

    private void checkNoLeak()
    {
        final var service = master[0].service();
        if (service.keyCount() != 0 || service.allocatedBytes() != 0)
        {
            violations.add("seed " + seed + ": after removing everything the master still holds "
                + service.keyCount() + " objects and " + service.allocatedBytes() + " allocated bytes");
        }
    }

    /** A value's bytes are a function of its key and position, so a read of another key's bytes shows. */
    static void fill(final String key, final ByteBuffer buffer, final int at, final int size)
    {
        final int h = key.hashCode();
        for (int i = 0; i < size; i++)
        {
            buffer.put(at + i, (byte)(h * 31 + i * 7 + (i >>> 8)));
        }
    }

    static boolean verify(final String key, final ByteBuffer buffer, final int at, final int size)
    {
        final int h = key.hashCode();
        for (int i = 0; i < size; i++)
        {
            if (buffer.get(at + i) != (byte)(h * 31 + i * 7 + (i >>> 8)))
            {
                return false;
            }
        }
        return true;
    }
}
