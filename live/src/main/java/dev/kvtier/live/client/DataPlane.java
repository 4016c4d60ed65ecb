package dev.kvtier.live.client;

import dev.kvtier.live.config.TransferProtocol;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.transport.rdma.UcxTransferEngine;
import dev.kvtier.transport.tcp.transfer.TcpTransferEngine;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transfer engine a store client, store service or serving worker moves bytes with, chosen by the
 * {@code protocol} setting alone ({@code tcp}: Mooncake's TCP frames; {@code rdma}: one-sided put/get over UCX),
 * and the name its segment is published under. Everything above the engine (the hosted store client, the runtime,
 * the directory) is the same for both, so switching protocol changes no protocol logic.
 *
 * @param engine      the engine, owned by whoever hosts it
 * @param segmentName the transfer-engine name of this process's segment: {@code host:port} over TCP (the data port,
 *                    as the reference's), {@code host:rdma-<pid>-<n>} over RDMA, whose engine binds no port
 */
public record DataPlane(TransferEngine engine, String segmentName)
{
    private static final AtomicInteger RDMA_ENGINES = new AtomicInteger();

    /**
     * Opens the engine for {@code protocol}.
     *
     * @param port      TCP's data port, -1 for one in [12300, 14300] as upstream (RDMA binds none)
     * @param devices   {@code device_name}: the NICs for RDMA ({@code UCX_NET_DEVICES}), ignored by TCP
     * @param lanes     TCP lanes per peer
     * @param timeoutMs a batch's deadline
     * @throws IOException when no TCP data port can be bound
     * @throws IllegalStateException one line when UCX is missing or too old
     */
    public static DataPlane open(final String protocol, final String host, final int port, final String devices,
        final int lanes, final long timeoutMs) throws IOException
    {
        if (TransferProtocol.RDMA.equals(protocol.toLowerCase(Locale.ROOT)))
        {
            final UcxTransferEngine engine = new UcxTransferEngine(host, timeoutMs, devices == null ? "" : devices);
            return new DataPlane(engine, host + ":rdma-" + ProcessHandle.current().pid() + "-"
                + RDMA_ENGINES.incrementAndGet());
        }
        final TcpTransferEngine engine = bindTcp(host, port, lanes, timeoutMs);
        return new DataPlane(engine, host + ":" + engine.port());
    }

    /** The TCP data port: the given one, else one in [12300, 14300] (20 tries), as upstream. */
    private static TcpTransferEngine bindTcp(final String host, final int port, final int lanes,
        final long timeoutMs) throws IOException
    {
        if (port >= 0)
        {
            return new TcpTransferEngine(host, port, lanes, timeoutMs, 4);
        }
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                return new TcpTransferEngine(host, ThreadLocalRandom.current().nextInt(12300, 14301), lanes,
                    timeoutMs, 4);
            }
            catch (final IOException e)
            {
                last = e;
            }
        }
        throw new IOException("no free data port in [12300, 14300] on " + host + ": " + last.getMessage());
    }
}
