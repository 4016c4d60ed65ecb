package dev.kvtier.transport.tcp.transfer;

import java.util.Map;

/**
 * What a {@link TransferServer} lets its peers hold. Each connection is served by one thread, so the connection
 * cap is also the bound on the data port's threads; a connection over it is closed at accept and counted.
 *
 * @param maxConnections connections served at once ({@code KVTIER_TCP_MAX_CONNECTIONS}, default 512: 128 client
 *                       processes with upstream's 4 lanes each)
 * @param stallTimeoutMs a started request (header, payload or answer) that makes no progress this long closes its
 *                       connection ({@code KVTIER_TCP_STALL_TIMEOUT_MS}, default 30 s, the initiator's own status
 *                       timeout), so a peer that sends half a header holds nothing for long
 * @param idleTimeoutMs  a connection with no request this long is closed ({@code KVTIER_TCP_IDLE_TIMEOUT_MS});
 *                       default 0 = never, because initiators keep their lanes open between batches and a lane
 *                       closed while idle fails its next batch once
 */
public record TransferLimits(int maxConnections, long stallTimeoutMs, long idleTimeoutMs)
{
    public TransferLimits
    {
        if (maxConnections < 1)
        {
            throw new IllegalArgumentException("KVTIER_TCP_MAX_CONNECTIONS must be >= 1, got " + maxConnections);
        }
        if (stallTimeoutMs < 1)
        {
            throw new IllegalArgumentException("KVTIER_TCP_STALL_TIMEOUT_MS must be >= 1, got " + stallTimeoutMs);
        }
        if (idleTimeoutMs < 0)
        {
            throw new IllegalArgumentException("KVTIER_TCP_IDLE_TIMEOUT_MS must be >= 0 (0 = never), got "
                + idleTimeoutMs);
        }
    }

    public static TransferLimits defaults()
    {
        return new TransferLimits(512, 30_000, 0);
    }

    /** The defaults with what {@code env} sets. */
    public static TransferLimits fromEnvironment(final Map<String, String> env)
    {
        final TransferLimits d = defaults();
        return new TransferLimits((int)number(env, "KVTIER_TCP_MAX_CONNECTIONS", d.maxConnections),
            number(env, "KVTIER_TCP_STALL_TIMEOUT_MS", d.stallTimeoutMs),
            number(env, "KVTIER_TCP_IDLE_TIMEOUT_MS", d.idleTimeoutMs));
    }

    private static long number(final Map<String, String> env, final String name, final long fallback)
    {
        final String v = env.get(name);
        if (v == null || v.isBlank())
        {
            return fallback;
        }
        try
        {
            return Long.parseLong(v.trim());
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number");
        }
    }
}
