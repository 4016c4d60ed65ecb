package dev.kvtier.model.store.client;

/**
 * What one store client did, for reports and metrics: bytes moved, and how often each failure branch of the
 * protocol ran (revoked puts, fallbacks to another replica, failed transfers, failed or timed-out RPCs). The
 * fault sweep reads these to show that every branch ran.
 */
public final class StoreClientCounters
{
    long bytesRead;
    long bytesWritten;
    long remounts;
    long putsSealed;
    long putsRevoked;
    long readFallbacks;
    long transferFailures;
    long rpcFailures;
    long rpcTimeouts;

    public long bytesRead()
    {
        return bytesRead;
    }

    public long bytesWritten()
    {
        return bytesWritten;
    }

    public long remounts()
    {
        return remounts;
    }

    public long putsSealed()
    {
        return putsSealed;
    }

    public long putsRevoked()
    {
        return putsRevoked;
    }

    public long readFallbacks()
    {
        return readFallbacks;
    }

    public long transferFailures()
    {
        return transferFailures;
    }

    public long rpcFailures()
    {
        return rpcFailures;
    }

    public long rpcTimeouts()
    {
        return rpcTimeouts;
    }
}
