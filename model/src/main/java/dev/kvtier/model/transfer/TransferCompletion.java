package dev.kvtier.model.transfer;

import dev.kvtier.model.node.TransferStatus;

/**
 * How an engine reports the end of a submitted batch. Called on a transport thread, so an implementation only
 * hands the status on (the live runtime publishes it into the node's ring); it never calls into a node.
 */
@FunctionalInterface
public interface TransferCompletion
{
    void completed(TransferStatus status);
}
