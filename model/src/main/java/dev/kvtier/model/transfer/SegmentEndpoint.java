package dev.kvtier.model.transfer;

/**
 * Where a segment's bytes can be reached, as a transfer-engine descriptor says it: the transport's protocol, the
 * host and port its engine listens on, the exposed range of remote addresses, and for a transport with remote keys
 * (RDMA) what a peer needs to address the memory one-sidedly. Published by the process that exposes the segment,
 * looked up by the ones that transfer to it.
 *
 * @param segment       the segment's transfer-engine name
 * @param protocol      the engine's protocol ({@link TransferEngine#protocol()})
 * @param host          where the engine accepts peers
 * @param port          the engine's data port (0 when the transport connects by {@code workerAddress})
 * @param base          the first exposed remote address
 * @param length        exposed bytes (0 when the directory does not know, e.g. a P2P handshake name)
 * @param workerAddress the transport's address of the exposing engine, base64 ("" for TCP)
 * @param remoteKey     the packed remote key of the exposed range, base64 ("" for TCP)
 */
public record SegmentEndpoint(String segment, String protocol, String host, int port, long base, long length,
    String workerAddress, String remoteKey)
{
    /** An endpoint without remote keys (TCP). */
    public SegmentEndpoint(final String segment, final String protocol, final String host, final int port,
        final long base, final long length)
    {
        this(segment, protocol, host, port, base, length, "", "");
    }

    /** Whether {@code [address, address + len)} lies in the exposed range (always true when the length is unknown). */
    public boolean covers(final long address, final long len)
    {
        return length == 0 || address >= base && len >= 0 && address - base <= length - len;
    }
}
