package dev.kvtier.live.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;

/**
 * One slot of a node's ring: the node's start, a message, a transfer end, or a task to run on the node thread.
 * Timers are not here: the node's thread owns and polls them itself.
 */
final class NodeEvent
{
    static final int START = 1;
    static final int MESSAGE = 2;
    static final int TRANSFER_DONE = 3;
    static final int TASK = 4;

    int kind;
    NodeId from;
    Message message;
    long deadlineNs;
    long id;
    TransferStatus status;
    Runnable task;

    void clear()
    {
        from = null;
        message = null;
        task = null;
        status = null;
    }
}
