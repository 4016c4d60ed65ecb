package dev.kvtier.live.client;

import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;

import java.util.function.LongFunction;

/**
 * A client's connection to the master that survives reconnects: requests are built with an id from the
 * connection they are sent on, so a reconnect between numbering and sending cannot mismatch a reply.
 */
final class MasterLink implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(MasterLink.class.getName());

    private final String address;
    private volatile MasterRpcClient client;

    MasterLink(final String address)
    {
        this.address = address;
        this.client = MasterRpcClient.connect(address);
    }

    MasterReply call(final LongFunction<MasterRequest> request)
    {
        return call(request, MasterRpcClient.DEFAULT_TIMEOUT_MS);
    }

    MasterReply call(final LongFunction<MasterRequest> request, final int timeoutMs)
    {
        final MasterRpcClient c = client;
        return c.call(request.apply(c.nextRequestId()), timeoutMs);
    }

    /** Replaces the connection (after failed pings); keeps the old one if the master is still unreachable. */
    void reconnect()
    {
        try
        {
            final MasterRpcClient fresh = MasterRpcClient.connect(address);
            final MasterRpcClient old = client;
            client = fresh;
            old.close();
            LOG.log(System.Logger.Level.INFO, "reconnected to master " + address);
        }
        catch (final RuntimeException e)
        {
            LOG.log(System.Logger.Level.WARNING, "reconnect to master " + address + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close()
    {
        client.close();
    }
}
