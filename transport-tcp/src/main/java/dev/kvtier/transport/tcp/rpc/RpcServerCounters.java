package dev.kvtier.transport.tcp.rpc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What an {@link RpcServer}'s limits did, for {@code /metrics}: connections refused at accept, closed for a bad or
 * oversized frame, for the buffered-bytes budget, for a frame deadline or for idleness, and what is held now.
 * Written by the I/O thread, read by any.
 */
public final class RpcServerCounters
{
    final AtomicLong connections = new AtomicLong();
    final AtomicLong bufferedBytes = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong badFrames = new AtomicLong();
    final AtomicLong overBudget = new AtomicLong();
    final AtomicLong frameDeadlines = new AtomicLong();
    final AtomicLong idleClosed = new AtomicLong();

    /** Connections open now. */
    public long connections()
    {
        return connections.get();
    }

    /** Bytes of input buffers held now, over all connections. */
    public long bufferedBytes()
    {
        return bufferedBytes.get();
    }

    /** Connections closed at accept because the connection limit or the buffered budget was reached. */
    public long refused()
    {
        return refused.get();
    }

    /** Connections closed for a frame they could not send: bad version or kind, length outside the limit. */
    public long badFrames()
    {
        return badFrames.get();
    }

    /** Connections closed because their unfinished frame would have exceeded the buffered-bytes budget. */
    public long overBudget()
    {
        return overBudget.get();
    }

    /** Connections closed because a started frame was not complete within the frame deadline. */
    public long frameDeadlines()
    {
        return frameDeadlines.get();
    }

    /** Connections closed after the idle timeout. */
    public long idleClosed()
    {
        return idleClosed.get();
    }
}
