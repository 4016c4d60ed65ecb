package dev.kvtier.sim.runtime;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.input.Delivery;
import dev.kvtier.model.node.input.NodeInput;
import dev.kvtier.model.node.input.Start;
import dev.kvtier.model.node.input.TimerFired;
import dev.kvtier.model.node.input.TransferDone;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Hosts a fresh node and feeds it a recorded input stream in order, with {@code now()} standing at each input's
 * recorded time and {@code random()} made from the recorded seed, capturing what the node sends. It is the other
 * half of the live runtime's input tap: a node recorded live and replayed here must send the same messages and end
 * in the same state, or the node read something that was not an input. Timers and transfer ends come from the
 * recording, so the node's schedule and transfer calls drive nothing here; a recorded timer that the node had not
 * scheduled (or had cancelled) means the recording and the node disagree, and is refused.
 */
public final class InputReplay implements NodeContext
{
    /** A message the replayed node sent, at the time of the input it was handling. */
    public record Sent(long timeNs, NodeId to, Message message)
    {
    }

    private final Node node;
    private final List<Sent> sent = new ArrayList<>();
    private final List<MemoryRegion> regions = new ArrayList<>();
    private final Set<Long> pendingTimers = new HashSet<>();
    private NodeId self;
    private RandomGenerator random;
    private long now;
    private long inputs;

    public InputReplay(final Node node)
    {
        this.node = node;
    }

    /** Feeds {@code recording} in order; the first input must be the node's {@link Start}. */
    public InputReplay replay(final Iterable<? extends NodeInput> recording)
    {
        for (final NodeInput input : recording)
        {
            feed(input);
        }
        return this;
    }

    /** Hands the node one recorded input. */
    public void feed(final NodeInput input)
    {
        if (self == null && !(input instanceof Start))
        {
            throw new IllegalStateException("a recording starts with the node's Start, not " + input);
        }
        if (input.timeNs() < now)
        {
            throw new IllegalStateException("input " + inputs + " goes back in time: " + input.timeNs() + " < " + now);
        }
        now = input.timeNs();
        inputs++;
        if (input instanceof Start s)
        {
            if (self != null)
            {
                throw new IllegalStateException("a second Start at input " + inputs);
            }
            self = s.self();
            random = s.random();
            node.onStart(this);
        }
        else if (input instanceof Delivery d)
        {
            node.onMessage(d.from(), d.message());
        }
        else if (input instanceof TimerFired t)
        {
            if (!pendingTimers.remove(t.timerId()))
            {
                throw new IllegalStateException("recorded timer " + t.timerId() + " at " + t.timeNs()
                    + " ns was not pending in the replayed node");
            }
            node.onTimer(t.timerId());
        }
        else
        {
            final TransferDone d = (TransferDone)input;
            node.onTransferDone(d.tag(), d.status());
        }
    }

    /** Everything the node sent so far, in order. */
    public List<Sent> sent()
    {
        return sent;
    }

    /** The inputs fed so far. */
    public long inputs()
    {
        return inputs;
    }

    @Override
    public NodeId self()
    {
        return self;
    }

    @Override
    public long now()
    {
        return now;
    }

    /** Noted only to check the recording's timers against; the recording says when they fire. */
    @Override
    public void schedule(final long delayNs, final long timerId)
    {
        if (delayNs < 0)
        {
            throw new IllegalArgumentException("timer delay must be >= 0, got " + delayNs);
        }
        pendingTimers.add(timerId);
    }

    @Override
    public void cancel(final long timerId)
    {
        pendingTimers.remove(timerId);
    }

    @Override
    public void send(final NodeId to, final Message message)
    {
        sent.add(new Sent(now, to, message));
    }

    @Override
    public int register(final MemoryRegion region)
    {
        regions.add(region);
        return regions.size() - 1;
    }

    /** Nothing to serve: the replayed node's peers are in the recording, as the transfer ends they caused. */
    @Override
    public void expose(final String segment, final int region, final long baseAddress)
    {
        if (region < 0 || region >= regions.size())
        {
            throw new IllegalArgumentException("expose " + segment + ": no registered region " + region);
        }
    }

    /** The recording holds how the batch ended; nothing moves. */
    @Override
    public void transfer(final TransferBatch batch, final long tag)
    {
    }

    @Override
    public RandomGenerator random()
    {
        return random;
    }
}
