package dev.kvtier.transport.tcp.frame;

/**
 * A frame that cannot be accepted: unknown version, oversized, truncated or malformed. The message is one line
 * naming what was wrong, because it ends up in the log line of the connection it closes.
 */
public final class FrameException extends RuntimeException
{
    public FrameException(final String message)
    {
        super(message);
    }
}
