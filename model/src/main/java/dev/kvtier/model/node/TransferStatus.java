package dev.kvtier.model.node;

/**
 * How a transfer started with {@link NodeContext#transfer} ended. The store client turns each non-OK status into
 * its own failure branch (revoke a put, fall back to the next replica), so the runtimes must tell them apart: the
 * simulator draws them from its fault plan, the live runtime from the transport's outcome.
 */
public enum TransferStatus
{
    /** Every byte arrived. */
    OK,
    /** The peer holding the segment is gone (connection refused or reset, node dead, segment unknown). */
    PEER_DEAD,
    /** The peer refused the range: outside its registered memory, or outside the local region. */
    OUT_OF_RANGE,
    /** The transfer did not finish within the transport's time limit. */
    DEADLINE;

    public boolean ok()
    {
        return this == OK;
    }
}
