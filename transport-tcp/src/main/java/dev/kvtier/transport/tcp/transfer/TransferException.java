package dev.kvtier.transport.tcp.transfer;

/** A transfer that did not complete: connection lost, timed out, or the target rejected the range. */
public class TransferException extends RuntimeException
{
    public TransferException(final String message)
    {
        super(message);
    }

    public TransferException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
