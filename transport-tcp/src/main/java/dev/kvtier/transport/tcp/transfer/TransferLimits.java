package dev.kvtier.transport.tcp.transfer;

import java.util.Map;

/**
 * What a {@link TransferServer} lets its peers hold, and the threads it serves them with. Connections are served
 * by a fixed number of selector threads, so a connection costs a socket and a few bytes, not a thread: the cap
 * bounds file descriptors and kernel socket memory, and the data port's threads stay at {@code ioThreads} + 1
 * whatever the peers do. A connection over the cap is closed at accept and counted.
 *
 * @param maxConnections connections served at once ({@code KVTIER_TCP_MAX_CONNECTIONS}, default 8,192: 2,048
 *                       client processes with upstream's 4 lanes each, far below the usual descriptor limit)
 * @param stallTimeoutMs a started request (header, payload or answer) that makes no progress this long closes its
 *                       connection ({@code KVTIER_TCP_STALL_TIMEOUT_MS}, default 30 s, the initiator's own status
 *                       timeout), so a peer that sends half a header holds nothing for long
 * @param idleTimeoutMs  a connection with no request this long is closed ({@code KVTIER_TCP_IDLE_TIMEOUT_MS});
 *                       default 0 = never, because initiators keep their lanes open between batches and a lane
 *                       closed while idle fails its next batch once
 * @param ioThreads      selector threads serving the connections ({@code KVTIER_TCP_IO_THREADS}, default the
 *                       cores up to 4: a thread moves several GB/s on loopback, so more would only contend)
 */
public record TransferLimits(int maxConnections, long stallTimeoutMs, long idleTimeoutMs, int ioThreads)
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
        if (ioThreads < 1 || ioThreads > 64)
        {
            throw new IllegalArgumentException("KVTIER_TCP_IO_THREADS must be in [1, 64], got " + ioThreads);
        }
    }

    /** Limits with the default number of I/O threads. */
    public TransferLimits(final int maxConnections, final long stallTimeoutMs, final long idleTimeoutMs)
    {
        this(maxConnections, stallTimeoutMs, idleTimeoutMs, defaultIoThreads());
    }

    public static TransferLimits defaults()
    {
        return new TransferLimits(8192, 30_000, 0, defaultIoThreads());
    }

    private static int defaultIoThreads()
    {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /** The defaults with what {@code env} sets. */
    public static TransferLimits fromEnvironment(final Map<String, String> env)
    {
        final TransferLimits d = defaults();
        return new TransferLimits((int)number(env, "KVTIER_TCP_MAX_CONNECTIONS", d.maxConnections),
            number(env, "KVTIER_TCP_STALL_TIMEOUT_MS", d.stallTimeoutMs),
            number(env, "KVTIER_TCP_IDLE_TIMEOUT_MS", d.idleTimeoutMs),
            (int)number(env, "KVTIER_TCP_IO_THREADS", d.ioThreads));
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
