package dev.kvtier.model.node.input;

import dev.kvtier.model.node.TransferStatus;

/**
 * A transfer batch the node started ended. The bytes it moved are not part of the input: a replayed node sees the
 * outcome, not the memory.
 *
 * @param timeNs when the node learned it
 * @param tag    the tag the node put on the batch
 * @param status how it ended
 */
public record TransferDone(long timeNs, long tag, TransferStatus status) implements NodeInput
{
}
