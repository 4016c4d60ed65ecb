package dev.kvtier.model.node;

/**
 * One slice of a one-sided transfer, as the transfer engine's {@code TransferRequest}: {@code length} bytes between
 * the remote address {@code remoteAddress} of the segment named {@code segment} (a replica's buffer address, as the
 * master hands it out) and {@code [localOffset, localOffset + length)} of a region this node registered. A
 * {@link NodeContext#transfer} call takes its slices as a {@link TransferBatch}, which keeps them as columns; this
 * is one slice as a value, for code that builds or reads a few.
 *
 * @param opcode        READ pulls remote bytes into the local region, WRITE pushes local bytes to the remote
 * @param segment       the remote segment's transfer-engine name
 * @param remoteAddress the first remote byte, inside the segment's exposed range
 * @param localRegion   the handle {@link NodeContext#register} returned
 * @param localOffset   offset into the local region
 * @param length        bytes to move
 */
public record TransferRequest(Opcode opcode, String segment, long remoteAddress, int localRegion, long localOffset,
    long length)
{
    /** Direction of a transfer, seen from the node that starts it. */
    public enum Opcode
    {
        READ, WRITE
    }

    public static TransferRequest read(final String segment, final long remoteAddress, final int localRegion,
        final long localOffset, final long length)
    {
        return new TransferRequest(Opcode.READ, segment, remoteAddress, localRegion, localOffset, length);
    }

    public static TransferRequest write(final String segment, final long remoteAddress, final int localRegion,
        final long localOffset, final long length)
    {
        return new TransferRequest(Opcode.WRITE, segment, remoteAddress, localRegion, localOffset, length);
    }
}
