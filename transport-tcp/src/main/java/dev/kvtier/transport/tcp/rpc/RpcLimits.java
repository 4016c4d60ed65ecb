package dev.kvtier.transport.tcp.rpc;

import dev.kvtier.transport.tcp.frame.ControlFrame;

/**
 * What one {@link RpcServer} lets its peers hold, so that no peer — slow, broken or hostile — can take memory or
 * connections from the others. A connection over a limit is closed (or refused at accept), a counter goes up, and
 * every other connection is served as before.
 *
 * @param maxConnections   connections open at once; one more is accepted and closed at once
 * @param maxFrameBytes    one frame's length field; larger closes the connection (also the most one connection
 *                         buffers, since a connection buffers at most one unfinished frame)
 * @param maxBufferedBytes bytes of unfinished frames buffered over all connections; a connection whose frame would
 *                         go over it is closed
 * @param frameDeadlineMs  a started frame must be complete within this time, else the connection is closed
 * @param idleTimeoutMs    a connection with no complete frame for this long is closed (0 = never)
 */
public record RpcLimits(int maxConnections, int maxFrameBytes, long maxBufferedBytes, long frameDeadlineMs,
    long idleTimeoutMs)
{
    /** Bytes a connection's input buffer starts with (and shrinks back to after a large frame). */
    public static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    /**
     * Buffers up to this size are small: they may use the whole budget, while larger ones stop short of its last
     * eighth, so that a flood of large unfinished frames leaves room to accept connections and serve the small
     * frames well-behaved clients send.
     */
    public static final int SMALL_FRAME_BYTES = 64 * 1024;

    public RpcLimits
    {
        if (maxConnections < 1)
        {
            throw new IllegalArgumentException("max connections must be >= 1, got " + maxConnections);
        }
        if (maxFrameBytes < ControlFrame.HEADER_BYTES)
        {
            throw new IllegalArgumentException("max frame bytes must be >= " + ControlFrame.HEADER_BYTES + ", got "
                + maxFrameBytes);
        }
        if (maxBufferedBytes < maxFrameBytes + 4L)
        {
            throw new IllegalArgumentException("the buffered-bytes budget (" + maxBufferedBytes
                + ") must hold at least one largest frame (" + maxFrameBytes + " + 4)");
        }
        if (frameDeadlineMs < 1)
        {
            throw new IllegalArgumentException("frame deadline must be >= 1 ms, got " + frameDeadlineMs);
        }
        if (idleTimeoutMs < 0)
        {
            throw new IllegalArgumentException("idle timeout must be >= 0 ms (0 = never), got " + idleTimeoutMs);
        }
    }

    /**
     * What the input buffers of all connections may hold when a buffer grows past {@link #SMALL_FRAME_BYTES}: the
     * budget less a reserve of an eighth of it (never so much that one largest frame would not fit).
     */
    public long largeFrameBytesBudget()
    {
        final long reserve = Math.min(maxBufferedBytes / 8, maxBufferedBytes - (maxFrameBytes + 4L));
        return maxBufferedBytes - reserve;
    }

    /**
     * The master's defaults: 1,024 connections, 16 MiB frames (upstream's batch calls stay far below), 256 MiB
     * buffered in all, 10 s to finish a started frame, connections idle for 10 minutes closed (clients ping every
     * second, so only a dead or silent peer is idle that long).
     */
    public static RpcLimits defaults()
    {
        return new RpcLimits(1024, ControlFrame.DEFAULT_MAX_FRAME_BYTES, 256L << 20, 10_000, 600_000);
    }

    /** Defaults with a smaller frame cap (tests), the buffered budget unchanged unless it must grow. */
    public static RpcLimits withMaxFrame(final int maxFrameBytes)
    {
        final RpcLimits d = defaults();
        return new RpcLimits(d.maxConnections, maxFrameBytes, Math.max(d.maxBufferedBytes, maxFrameBytes + 4L),
            d.frameDeadlineMs, d.idleTimeoutMs);
    }
}
