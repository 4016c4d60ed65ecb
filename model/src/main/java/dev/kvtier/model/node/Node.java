package dev.kvtier.model.node;

/**
 * A component of the cluster (master, store service, serving worker, router, client) written as a deterministic
 * state machine: it only reacts to its start, to messages and to its own timers, and it learns the time from its
 * {@link NodeContext}. Because it never reads a clock, starts a thread or blocks, the same class runs stepped by
 * the simulator's virtual clock or on its own thread in a live process, as Agrona's agents do.
 */
public interface Node
{
    /** Called once before any message or timer; the context stays valid for the node's life. */
    void onStart(NodeContext ctx);

    /** A message from another node (or from the runtime's driver). */
    void onMessage(NodeId from, Message message);

    /** A timer this node scheduled has fired. */
    void onTimer(long timerId);

    /** A transfer batch this node started with {@link NodeContext#transfer} has ended with {@code status}. */
    default void onTransferDone(final long tag, final TransferStatus status)
    {
    }
}
