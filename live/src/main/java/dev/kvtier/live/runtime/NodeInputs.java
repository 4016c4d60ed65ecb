package dev.kvtier.live.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.node.input.Delivery;
import dev.kvtier.model.node.input.InputTap;
import dev.kvtier.model.node.input.NodeInput;
import dev.kvtier.model.node.input.Start;
import dev.kvtier.model.node.input.TimerFired;
import dev.kvtier.model.node.input.TransferDone;

import java.util.function.Consumer;

/**
 * The node's side of the runtime boundary: the one place a live runner hands the node an input, so every input
 * (start, message with sender, timer, transfer end) passes the tap first, stamped with the time the node sees, and
 * no path reaches the node without being recordable. Without a tap nothing is allocated per input.
 */
final class NodeInputs
{
    private final NodeId self;
    private final Node node;
    private final InputTap tap;
    private final Consumer<Throwable> tapFailed;

    NodeInputs(final NodeId self, final Node node, final InputTap tap, final Consumer<Throwable> tapFailed)
    {
        this.self = self;
        this.node = node;
        this.tap = tap;
        this.tapFailed = tapFailed;
    }

    void start(final long nowNs, final long seed, final NodeContext ctx)
    {
        if (tap != null)
        {
            tap(new Start(nowNs, self, seed));
        }
        node.onStart(ctx);
    }

    void message(final long nowNs, final NodeId from, final Message message)
    {
        if (tap != null)
        {
            tap(new Delivery(nowNs, from, message));
        }
        node.onMessage(from, message);
    }

    void timer(final long nowNs, final long timerId)
    {
        if (tap != null)
        {
            tap(new TimerFired(nowNs, timerId));
        }
        node.onTimer(timerId);
    }

    void transferDone(final long nowNs, final long tag, final TransferStatus status)
    {
        if (tap != null)
        {
            tap(new TransferDone(nowNs, tag, status));
        }
        node.onTransferDone(tag, status);
    }

    /** A failing tap is the tap's error, counted as the node's; the node still takes the input. */
    private void tap(final NodeInput input)
    {
        try
        {
            tap.onInput(self, input);
        }
        catch (final Throwable t)
        {
            tapFailed.accept(t);
        }
    }
}
