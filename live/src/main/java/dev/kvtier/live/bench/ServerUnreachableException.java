package dev.kvtier.live.bench;

import java.io.IOException;

/**
 * The benchmark's URL did not answer before the run started: nothing was sent, and the fix is the URL or the
 * server, not the run, so the command reports it as bad input.
 */
public final class ServerUnreachableException extends IOException
{
    private static final long serialVersionUID = 1L;

    public ServerUnreachableException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
