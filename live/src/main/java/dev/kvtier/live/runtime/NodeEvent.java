package dev.kvtier.live.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferStatus;

/** One slot of a node's ring: a message, a timer firing, a transfer end, or a task to run on the node thread. */
final class NodeEvent
{
    static final int MESSAGE = 1;
    static final int TIMER = 2;
    static final int TRANSFER_DONE = 3;
    static final int TASK = 4;

    int kind;
    NodeId from;
    Message message;
    long deadlineNs;
    long id;
    Object timeoutRef;
    TransferStatus status;
    Runnable task;

    void clear()
    {
        from = null;
        message = null;
        task = null;
        timeoutRef = null;
        status = null;
    }
}
