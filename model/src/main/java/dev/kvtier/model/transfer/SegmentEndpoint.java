package dev.kvtier.model.transfer;

/**
 * Where a segment's bytes can be reached, as a transfer-engine descriptor says it: the transport's protocol, the
 * host and port its engine listens on, and the exposed range of remote addresses. Published by the process that
 * exposes the segment, looked up by the ones that transfer to it.
 *
 * @param segment  the segment's transfer-engine name
 * @param protocol the engine's protocol ({@link TransferEngine#protocol()})
 * @param host     where the engine accepts peers
 * @param port     the engine's data port
 * @param base     the first exposed remote address
 * @param length   exposed bytes (0 when the directory does not know, e.g. a P2P handshake name)
 */
public record SegmentEndpoint(String segment, String protocol, String host, int port, long base, long length)
{
}
