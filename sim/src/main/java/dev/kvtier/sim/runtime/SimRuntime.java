package dev.kvtier.sim.runtime;

import dev.kvtier.model.network.FlowNetwork;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.primitive.LongIntMap;
import dev.kvtier.sim.event.EventQueue;
import dev.kvtier.sim.event.RandomStreams;
import dev.kvtier.sim.fault.FaultPlan;
import dev.kvtier.transport.sim.NetworkModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Hosts model nodes on a virtual clock: every message delivery and timer is an event in one {@link EventQueue},
 * stepped in (time, sequence) order on the caller's thread, like Agrona's {@code AgentInvoker} stepping an agent.
 * Event records live in parallel arrays indexed by slot, recycled through a free list, so a long run allocates
 * only the messages themselves.
 */
public final class SimRuntime
{
    private static final byte FREE = 0;
    private static final byte DELIVER = 1;
    private static final byte TIMER = 2;
    private static final byte CANCELLED = 3;
    static final byte FLOWS = 4;
    static final byte TRANSFER_DONE = 5;
    private static final byte CONTROL = 6;
    private static final TransferStatus[] STATUSES = TransferStatus.values();

    private final EventQueue queue = new EventQueue(4096);
    private final RandomStreams randoms;
    private final NetworkModel network;
    private final List<Node> nodes = new ArrayList<>();
    private final List<SimContext> contexts = new ArrayList<>();
    private final NodeId driver;
    private final SimTransfers transfers = new SimTransfers(this);
    private boolean[] dead = new boolean[0];
    private int[] epochs = new int[0];
    private int[] eventEpoch = new int[4096];
    /** Set once a crash or restart is scheduled: until then no epoch is stamped or checked (the hot path). */
    private boolean nodeFaults;

    private byte[] kind = new byte[4096];
    private int[] target = new int[4096];
    private int[] source = new int[4096];
    private long[] timerIds = new long[4096];
    private Message[] messages = new Message[4096];
    private int[] freeSlots = new int[4096];
    private int freeCount;
    private int slotsUsed;

    private long now;
    private long eventsProcessed;
    private long messagesDropped;
    private boolean started;
    private BooleanSupplier stopCondition = () -> false;
    private BiConsumer<NodeId, Message> driverInbox = (from, m) ->
    {
    };

    public SimRuntime(final long seed, final NetworkModel network)
    {
        this.randoms = new RandomStreams(seed);
        this.network = network;
        this.driver = new NodeId(-1, "driver");
    }

    /** Adds a node; its index is the order of addition. Nodes start at time 0 when the run begins. */
    public NodeId add(final String name, final Node node)
    {
        if (started)
        {
            throw new IllegalStateException("add nodes before the run starts");
        }
        final NodeId id = new NodeId(nodes.size(), name);
        nodes.add(node);
        contexts.add(new SimContext(id, randoms.stream("node/" + name)));
        dead = Arrays.copyOf(dead, nodes.size());
        epochs = Arrays.copyOf(epochs, nodes.size());
        return id;
    }

    /**
     * Routes {@link NodeContext#transfer} through a bandwidth-sharing network whose node indices are the nodes'
     * indices in this runtime. Without one, transfers complete instantly.
     */
    public void useFlowNetwork(final FlowNetwork network)
    {
        transfers.useFlowNetwork(network);
    }

    /** Decides the fate of every transfer batch from now on (default {@link FaultPlan#NONE}). */
    public void useFaultPlan(final FaultPlan plan)
    {
        transfers.useFaultPlan(plan);
    }

    /**
     * Kills {@code node} at {@code atNs}: from then on nothing reaches it (messages, timers, transfer ends are
     * dropped), transfers into its segments end {@code PEER_DEAD}, and it sends nothing.
     */
    public void crash(final NodeId node, final long atNs)
    {
        control(atNs, () -> kill(node.index()));
    }

    /**
     * Replaces {@code node} at {@code atNs} by a fresh instance from {@code fresh}, started at once under the same
     * address, as a process restarted on the same port: everything the old instance had (state, timers, exposed
     * segments, messages in flight to it) is gone.
     */
    public void restart(final NodeId node, final Supplier<Node> fresh, final long atNs)
    {
        control(atNs, () ->
        {
            final int i = node.index();
            kill(i);
            dead[i] = false;
            final SimContext old = contexts.get(i);
            final SimContext ctx = new SimContext(old.id, old.random);
            contexts.set(i, ctx);
            nodes.set(i, fresh.get());
            nodes.get(i).onStart(ctx);
        });
    }

    /** Whether {@code node} has crashed (and not been restarted). */
    public boolean isDead(final NodeId node)
    {
        return dead[node.index()];
    }

    private void kill(final int i)
    {
        dead[i] = true;
        epochs[i]++;
        transfers.forget(i);
        contexts.get(i).timers.clear();
    }

    private void control(final long atNs, final Runnable action)
    {
        if (atNs < now)
        {
            throw new IllegalArgumentException("cannot schedule into the past: " + atNs + " < " + now);
        }
        nodeFaults = true;
        queue.push(atNs, allocate(CONTROL, -1, -1, 0, new Control(action)));
    }

    /** The pseudo-node that {@link #inject} sends from, e.g. a trace driver outside the model. */
    public NodeId driver()
    {
        return driver;
    }

    /** Delivers {@code message} to {@code to} at absolute time {@code atNs}, bypassing the network. */
    public void inject(final NodeId to, final Message message, final long atNs)
    {
        if (atNs < now)
        {
            throw new IllegalArgumentException("cannot inject into the past: " + atNs + " < " + now);
        }
        final int slot = allocate(DELIVER, to.index(), driver.index(), 0, message);
        queue.push(atNs, slot);
    }

    /** Receives what nodes send to {@link #driver()}, at its delivery time. */
    public void onDriverMessage(final BiConsumer<NodeId, Message> inbox)
    {
        this.driverInbox = inbox;
    }

    /** Stops {@link #run()} once the condition holds after an event. */
    public void stopWhen(final BooleanSupplier condition)
    {
        this.stopCondition = condition;
    }

    public long now()
    {
        return now;
    }

    public long eventsProcessed()
    {
        return eventsProcessed;
    }

    public long messagesDropped()
    {
        return messagesDropped;
    }

    public int pendingEvents()
    {
        return queue.size();
    }

    /** Processes one event; false when none is pending. */
    public boolean step()
    {
        start();
        if (queue.isEmpty())
        {
            return false;
        }
        final int slot = queue.pop();
        now = queue.lastTime();
        dispatch(slot);
        return true;
    }

    /** Runs every event up to and including {@code timeNs}, then sets the clock to {@code timeNs}. */
    public void runUntil(final long timeNs)
    {
        start();
        while (!queue.isEmpty() && queue.peekTime() <= timeNs)
        {
            step();
            if (stopCondition.getAsBoolean())
            {
                return;
            }
        }
        now = Math.max(now, timeNs);
    }

    /** Runs until no event is pending or the stop condition holds. */
    public void run()
    {
        start();
        while (step())
        {
            if (stopCondition.getAsBoolean())
            {
                return;
            }
        }
    }

    private void start()
    {
        if (started)
        {
            return;
        }
        started = true;
        for (int i = 0; i < nodes.size(); i++)
        {
            nodes.get(i).onStart(contexts.get(i));
        }
    }

    private void dispatch(final int slot)
    {
        final byte k = kind[slot];
        final int to = target[slot];
        final int from = source[slot];
        final long timerId = timerIds[slot];
        final Message m = messages[slot];
        final int epoch = nodeFaults ? eventEpoch[slot] : 0;
        release(slot);
        if (k == CANCELLED)
        {
            return;
        }
        eventsProcessed++;
        if (k == CONTROL)
        {
            ((Control)m).action.run();
            return;
        }
        if (nodeFaults && to >= 0 && k != FLOWS && (dead[to] || epoch != epochs[to]))
        {
            return;
        }
        if (k == FLOWS)
        {
            transfers.onFlowEvent();
            return;
        }
        if (k == TRANSFER_DONE)
        {
            nodes.get(to).onTransferDone(timerId, STATUSES[from]);
            return;
        }
        if (k == DELIVER)
        {
            final NodeId sender = from < 0 ? driver : contexts.get(from).id;
            if (to < 0)
            {
                driverInbox.accept(sender, m);
            }
            else
            {
                nodes.get(to).onMessage(sender, m);
            }
        }
        else
        {
            contexts.get(to).timers.remove(timerId);
            nodes.get(to).onTimer(timerId);
        }
    }

    private int register(final SimContext ctx, final MemoryRegion region)
    {
        ctx.regions.add(region);
        return ctx.regions.size() - 1;
    }

    private void expose(final SimContext ctx, final String segment, final int region, final long baseAddress)
    {
        if (region < 0 || region >= ctx.regions.size())
        {
            throw new IllegalArgumentException("expose " + segment + ": no registered region " + region);
        }
        transfers.expose(ctx.id.index(), segment, ctx.regions.get(region), baseAddress);
    }

    /** Queues event {@code slot} at absolute time {@code atNs}. */
    void push(final long atNs, final int slot)
    {
        queue.push(atNs, slot);
    }

    /** Cancels the queued event in {@code slot}: it is dropped when it comes due. */
    void cancelSlot(final int slot)
    {
        kind[slot] = CANCELLED;
    }

    /** Whether a crash or restart was scheduled, so that events and transfers carry their nodes' epochs. */
    boolean nodeFaults()
    {
        return nodeFaults;
    }

    /** How many times {@code node} was killed: an event or transfer of an earlier epoch no longer reaches it. */
    int epoch(final int node)
    {
        return epochs[node];
    }

    boolean dead(final int node)
    {
        return dead[node];
    }

    /** Addresses the event in {@code slot} to its target's {@code epoch} rather than its current one. */
    void stampEpoch(final int slot, final int epoch)
    {
        eventEpoch[slot] = epoch;
    }

    int allocate(final byte k, final int to, final int from, final long timerId, final Message m)
    {
        final int slot;
        if (freeCount > 0)
        {
            slot = freeSlots[--freeCount];
        }
        else
        {
            if (slotsUsed == kind.length)
            {
                grow();
            }
            slot = slotsUsed++;
        }
        kind[slot] = k;
        if (nodeFaults)
        {
            eventEpoch[slot] = to >= 0 && to < epochs.length ? epochs[to] : 0;
        }
        target[slot] = to;
        source[slot] = from;
        timerIds[slot] = timerId;
        messages[slot] = m;
        return slot;
    }

    private void release(final int slot)
    {
        kind[slot] = FREE;
        messages[slot] = null;
        if (freeCount == freeSlots.length)
        {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private void grow()
    {
        final int n = kind.length * 2;
        kind = Arrays.copyOf(kind, n);
        target = Arrays.copyOf(target, n);
        source = Arrays.copyOf(source, n);
        timerIds = Arrays.copyOf(timerIds, n);
        messages = Arrays.copyOf(messages, n);
        eventEpoch = Arrays.copyOf(eventEpoch, n);
    }

    /** A runtime action (crash, restart) scheduled as an event. */
    private record Control(Runnable action) implements Message
    {
    }

    /** The context handed to one node. */
    private final class SimContext implements NodeContext
    {
        private final NodeId id;
        private final RandomGenerator random;
        private final List<MemoryRegion> regions = new ArrayList<>();
        private final LongIntMap timers = new LongIntMap();

        SimContext(final NodeId id, final RandomGenerator random)
        {
            this.id = id;
            this.random = random;
        }

        @Override
        public NodeId self()
        {
            return id;
        }

        @Override
        public long now()
        {
            return now;
        }

        @Override
        public void schedule(final long delayNs, final long timerId)
        {
            if (contexts.get(id.index()) != this || dead[id.index()])
            {
                return;
            }
            if (delayNs < 0)
            {
                throw new IllegalArgumentException("timer delay must be >= 0, got " + delayNs);
            }
            cancel(timerId);
            final int slot = allocate(TIMER, id.index(), id.index(), timerId, null);
            timers.put(timerId, slot);
            queue.push(now + delayNs, slot);
        }

        @Override
        public void cancel(final long timerId)
        {
            final int slot = timers.remove(timerId);
            if (slot >= 0)
            {
                kind[slot] = CANCELLED;
            }
        }

        @Override
        public void send(final NodeId to, final Message message)
        {
            if (contexts.get(id.index()) != this || dead[id.index()])
            {
                return;
            }
            final long delay = network.deliveryDelayNs(id, to, message, now);
            if (delay == NetworkModel.DROP)
            {
                messagesDropped++;
                return;
            }
            final int slot = allocate(DELIVER, to.index(), id.index(), 0, message);
            queue.push(now + delay, slot);
        }

        @Override
        public int register(final MemoryRegion region)
        {
            return SimRuntime.this.register(this, region);
        }

        @Override
        public void expose(final String segment, final int region, final long baseAddress)
        {
            SimRuntime.this.expose(this, segment, region, baseAddress);
        }

        @Override
        public void transfer(final TransferBatch batch, final long tag)
        {
            if (contexts.get(id.index()) == this && !dead[id.index()])
            {
                transfers.start(id.index(), regions, batch, tag);
            }
        }

        @Override
        public RandomGenerator random()
        {
            return random;
        }
    }
}
