package dev.kvtier.transport.tcp.transfer;

/**
 * A transfer that did not complete: connection lost, timed out, or the target rejected the range. Callers that
 * report a status (the transfer engine) must tell a peer that is gone from one that is too slow, so a timeout
 * says so with {@link #timedOut()} instead of leaving it to the message text.
 */
public class TransferException extends RuntimeException
{
    private final boolean timedOut;

    public TransferException(final String message)
    {
        this(message, null, false);
    }

    public TransferException(final String message, final Throwable cause)
    {
        this(message, cause, false);
    }

    public TransferException(final String message, final Throwable cause, final boolean timedOut)
    {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** True when the transfer ran past the status timeout (the watchdog closed the lane, or no lane came free). */
    public boolean timedOut()
    {
        return timedOut;
    }
}
