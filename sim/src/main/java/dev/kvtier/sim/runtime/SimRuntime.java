package dev.kvtier.sim.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.sim.event.EventQueue;
import dev.kvtier.sim.event.RandomStreams;
import dev.kvtier.transport.sim.FlowNetwork;
import dev.kvtier.transport.sim.NetworkModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
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
    private static final byte FLOWS = 4;
    private static final byte TRANSFER_DONE = 5;

    private final EventQueue queue = new EventQueue(4096);
    private final RandomStreams randoms;
    private final NetworkModel network;
    private final List<Node> nodes = new ArrayList<>();
    private final List<SimContext> contexts = new ArrayList<>();
    private final Map<TimerKey, Integer> pendingTimers = new HashMap<>();
    private final NodeId driver;
    private FlowNetwork flows;
    private int flowEventSlot = -1;
    private long flowEventTime = Long.MAX_VALUE;
    private int[] transferNode = new int[256];
    private long[] transferIds = new long[256];
    private long[] transferLatency = new long[256];
    private int[] freeTransfers = new int[256];
    private int freeTransferCount;
    private int transfersUsed;
    private final FlowNetwork.CompletionSink flowSink = this::flowCompleted;

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
        return id;
    }

    /**
     * Routes {@link NodeContext#transfer} through a bandwidth-sharing network whose node indices are the nodes'
     * indices in this runtime. Without one, transfers complete instantly.
     */
    public void useFlowNetwork(final FlowNetwork network)
    {
        this.flows = network;
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
        release(slot);
        if (k == CANCELLED)
        {
            return;
        }
        eventsProcessed++;
        if (k == FLOWS)
        {
            flowEventSlot = -1;
            flowEventTime = Long.MAX_VALUE;
            flows.advanceTo(now, flowSink);
            armFlowEvent();
            return;
        }
        if (k == TRANSFER_DONE)
        {
            nodes.get(to).onTransferDone(timerId, true);
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
            pendingTimers.remove(new TimerKey(to, timerId));
            nodes.get(to).onTimer(timerId);
        }
    }

    private void startTransfer(final int self, final NodeId peer, final long bytes, final boolean read,
        final long transferId)
    {
        if (flows == null || peer.index() < 0)
        {
            queue.push(now, allocate(TRANSFER_DONE, self, self, transferId, null));
            return;
        }
        final int t;
        if (freeTransferCount > 0)
        {
            t = freeTransfers[--freeTransferCount];
        }
        else
        {
            if (transfersUsed == transferNode.length)
            {
                transferNode = Arrays.copyOf(transferNode, transfersUsed * 2);
                transferIds = Arrays.copyOf(transferIds, transfersUsed * 2);
                transferLatency = Arrays.copyOf(transferLatency, transfersUsed * 2);
                freeTransfers = Arrays.copyOf(freeTransfers, transfersUsed * 2);
            }
            t = transfersUsed++;
        }
        transferNode[t] = self;
        transferIds[t] = transferId;
        final int src = read ? peer.index() : self;
        final int dst = read ? self : peer.index();
        transferLatency[t] = flows.latencyNs(src, dst);
        flows.start(src, dst, bytes, now, t);
        armFlowEvent();
    }

    private void flowCompleted(final long tag, final long bytes)
    {
        final int t = (int)tag;
        final long at = now + transferLatency[t];
        queue.push(at, allocate(TRANSFER_DONE, transferNode[t], transferNode[t], transferIds[t], null));
        freeTransfers[freeTransferCount++] = t;
    }

    private void armFlowEvent()
    {
        final long next = flows.nextCompletionNs();
        if (next == flowEventTime)
        {
            return;
        }
        if (flowEventSlot >= 0)
        {
            kind[flowEventSlot] = CANCELLED;
        }
        flowEventSlot = -1;
        flowEventTime = next;
        if (next != Long.MAX_VALUE)
        {
            flowEventSlot = allocate(FLOWS, 0, 0, 0, null);
            queue.push(Math.max(next, now), flowEventSlot);
        }
    }

    private int allocate(final byte k, final int to, final int from, final long timerId, final Message m)
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
    }

    private record TimerKey(int node, long timerId)
    {
    }

    /** The context handed to one node. */
    private final class SimContext implements NodeContext
    {
        private final NodeId id;
        private final RandomGenerator random;

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
            if (delayNs < 0)
            {
                throw new IllegalArgumentException("timer delay must be >= 0, got " + delayNs);
            }
            cancel(timerId);
            final int slot = allocate(TIMER, id.index(), id.index(), timerId, null);
            pendingTimers.put(new TimerKey(id.index(), timerId), slot);
            queue.push(now + delayNs, slot);
        }

        @Override
        public void cancel(final long timerId)
        {
            final Integer slot = pendingTimers.remove(new TimerKey(id.index(), timerId));
            if (slot != null)
            {
                kind[slot] = CANCELLED;
            }
        }

        @Override
        public void send(final NodeId to, final Message message)
        {
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
        public void transfer(final NodeId peer, final long bytes, final boolean read, final long transferId)
        {
            startTransfer(id.index(), peer, bytes, read, transferId);
        }

        @Override
        public RandomGenerator random()
        {
            return random;
        }
    }
}
