package dev.kvtier.model.transfer;

import dev.kvtier.model.node.MemoryRegion;

/**
 * One slice of a batch as an engine sees it: the runtime has already resolved the node's region handle to the
 * region and checked the local range, so an engine never learns about nodes or handles.
 *
 * @param write         true to push local bytes to the peer, false to pull remote bytes into the region
 * @param remoteAddress the first remote byte, in the peer's exposed range
 * @param local         the local region (bytes behind it)
 * @param localOffset   first local byte
 * @param length        bytes to move
 */
public record TransferSlice(boolean write, long remoteAddress, MemoryRegion local, long localOffset, long length)
{
}
