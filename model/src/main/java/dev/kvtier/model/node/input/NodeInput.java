package dev.kvtier.model.node.input;

/**
 * One input a runtime hands a node, with the time the node saw during it ({@code NodeContext.now()}). A node's
 * behaviour is a function of these and nothing else (its clock and random stream are part of them: the time on
 * each, the seed on its {@link Start}), so a runtime that taps them can record a live node, and replaying them in
 * order into a fresh instance reproduces what it sent and the state it reached: the recording is the node.
 */
public sealed interface NodeInput permits Start, Delivery, TimerFired, TransferDone
{
    /** Nanoseconds on the hosting runtime's clock, as {@code now()} returned them while the node handled this. */
    long timeNs();
}
