package dev.kvtier.live.client;

import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.Segment;
import dev.kvtier.transport.tcp.transfer.RegisteredMemory;
import dev.kvtier.transport.tcp.transfer.TransferServer;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The memory a client contributes and serves (its "store service" role): the mapped segment, the transfer server
 * that exposes exactly that range, and the descriptors published for it. Mounting it at the master is the
 * client's business; closing it stops serving before the memory is released.
 */
final class OwnSegment implements AutoCloseable
{
    private final SegmentMemory memory;
    private final TransferServer server;
    private final SegmentDirectory directory;
    private final Segment segment;

    private OwnSegment(final SegmentMemory memory, final TransferServer server, final SegmentDirectory directory,
        final Segment segment)
    {
        this.memory = memory;
        this.server = server;
        this.directory = directory;
        this.segment = segment;
    }

    /** Maps, serves and publishes {@code config.globalSegmentSize()} bytes owned by {@code clientId}. */
    static OwnSegment serve(final StoreConfig config, final long clientId, final SegmentDirectory directory)
        throws IOException
    {
        final SegmentMemory memory = SegmentMemory.map(config.globalSegmentSize(), System.getenv());
        try
        {
            final RegisteredMemory served = new RegisteredMemory();
            served.register(memory.base(), config.globalSegmentSize(), memory.file());
            final String hostname = config.localHostname();
            final int colon = hostname.lastIndexOf(':');
            final String host = colon > 0 ? hostname.substring(0, colon) : hostname;
            final TransferServer server = bind(served, host,
                colon > 0 ? Integer.parseInt(hostname.substring(colon + 1)) : -1);
            final String name = host + ":" + server.port();
            directory.publish(name, host, server.port(), memory.base(), config.globalSegmentSize());
            final Segment segment = new Segment(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), name,
                memory.base(), config.globalSegmentSize(), clientId, host);
            return new OwnSegment(memory, server, directory, segment);
        }
        catch (final IOException | RuntimeException e)
        {
            memory.release();
            throw e;
        }
    }

    /** Binds the data port: the one in {@code local_hostname}, else one in [12300, 14300] (20 tries). */
    private static TransferServer bind(final RegisteredMemory served, final String host, final int port)
        throws IOException
    {
        if (port >= 0)
        {
            return new TransferServer(served, host, port, reason -> { }).start();
        }
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                return new TransferServer(served, host, ThreadLocalRandom.current().nextInt(12300, 14301),
                    reason -> { }).start();
            }
            catch (final IOException e)
            {
                last = e;
            }
        }
        throw new IOException("no free data port in [12300, 14300] on " + host + ": " + last.getMessage());
    }

    Segment segment()
    {
        return segment;
    }

    /** Unpublishes, stops serving, and releases the memory once no connection thread can touch it. */
    @Override
    public void close()
    {
        directory.unpublish(segment.name());
        boolean quiet = false;
        try
        {
            quiet = server.closeAndAwait();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
        if (quiet)
        {
            memory.release();
        }
    }
}
