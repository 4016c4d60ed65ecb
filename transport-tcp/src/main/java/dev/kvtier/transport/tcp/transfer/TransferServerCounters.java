package dev.kvtier.transport.tcp.transfer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link TransferServer} holds now and what its limits refused, for logs, tests and a store's
 * {@code /metrics}: connections open, connections closed at accept (the cap), for a stalled request, for idleness
 * or for bad input, requests answered "address rejected", and the bytes moved. Written by the server's threads,
 * read by any.
 */
public final class TransferServerCounters
{
    final AtomicLong connections = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong stalled = new AtomicLong();
    final AtomicLong idleClosed = new AtomicLong();
    final AtomicLong badRequests = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();

    /** Connections open now. */
    public long connections()
    {
        return connections.get();
    }

    /** Connections closed at accept because {@link TransferLimits#maxConnections()} were open. */
    public long refused()
    {
        return refused.get();
    }

    /** Connections closed because a started request made no progress within the stall timeout. */
    public long stalled()
    {
        return stalled.get();
    }

    /** Connections closed after the idle timeout. */
    public long idleClosed()
    {
        return idleClosed.get();
    }

    /** Connections closed for bad input: an unknown opcode, a truncated header or payload, a v1 range error. */
    public long badRequests()
    {
        return badRequests.get();
    }

    /** Requests whose address range lay outside the registered memory. */
    public long rejected()
    {
        return rejected.get();
    }

    /** Payload bytes written into the registered memory. */
    public long bytesIn()
    {
        return bytesIn.get();
    }

    /** Payload bytes read out of the registered memory. */
    public long bytesOut()
    {
        return bytesOut.get();
    }
}
