package dev.kvtier.live.runtime;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The live counterpart of the simulator's runtime: hosts model nodes in this process, each on its own
 * {@link NodeRunner} (ring + consumer thread), shares one {@link TimerWheel}, and routes sends either to a local
 * runner or, for addresses it does not host, to the {@link RemoteLink} (sockets), and gives them one data plane
 * ({@link #transfers}) for the bytes their transfers move. Local node indices are dense
 * from 0; remote peers use indices the link hands out from {@link #REMOTE_BASE} up.
 */
public final class LiveRuntime implements AutoCloseable
{
    /** First node index reserved for remote peers. */
    public static final int REMOTE_BASE = 1 << 20;
    private static final int RING_SIZE = 1 << 14;

    private final List<NodeRunner> runners = new ArrayList<>();
    private final TimerWheel wheel = new TimerWheel();
    private final long startNs = System.nanoTime();
    private LiveTransfers transfers;
    private volatile RemoteLink remote = new RemoteLink()
    {
        @Override
        public void send(final NodeId to, final Message message)
        {
        }

        @Override
        public void expired(final NodeId from, final Message message)
        {
        }
    };

    /** Adds a node (before {@link #start}); returns the runner that addresses it. */
    public NodeRunner add(final String name, final Node node)
    {
        final NodeRunner r = new NodeRunner(new NodeId(runners.size(), name), node, this, RING_SIZE,
            NodeRunner.freshSeed());
        runners.add(r);
        return r;
    }

    public void remote(final RemoteLink link)
    {
        this.remote = link;
    }

    /**
     * Gives the nodes a data plane (before {@link #start}): {@code engine} moves their bytes and serves what they
     * expose, {@code directory} is where exposed segments are published and peers' segments found. The runtime
     * closes the engine when it closes.
     */
    public LiveRuntime transfers(final TransferEngine engine, final EndpointDirectory directory)
    {
        this.transfers = new LiveTransfers(engine, directory);
        return this;
    }

    LiveTransfers transfers()
    {
        if (transfers == null)
        {
            throw new UnsupportedOperationException("this runtime has no transfer engine: call "
                + "LiveRuntime.transfers(engine, directory) before start");
        }
        return transfers;
    }

    /**
     * Completes with the endpoint once a node of this runtime has exposed and published {@code segment}
     * (exceptionally if the engine refused it or publishing failed); may be asked for before the node exposes it.
     */
    public CompletableFuture<SegmentEndpoint> exposed(final String segment)
    {
        return transfers().exposed(segment);
    }

    RemoteLink remote()
    {
        return remote;
    }

    TimerWheel wheel()
    {
        return wheel;
    }

    long startNs()
    {
        return startNs;
    }

    public LiveRuntime start()
    {
        for (final NodeRunner r : runners)
        {
            r.start();
        }
        return this;
    }

    void route(final NodeId from, final NodeId to, final Message message)
    {
        if (to.index() < runners.size() && to.index() < REMOTE_BASE)
        {
            runners.get(to.index()).deliver(from, message, 0);
        }
        else
        {
            remote.send(to, message);
        }
    }

    @Override
    public void close()
    {
        if (transfers != null)
        {
            transfers.close();
        }
        wheel.close();
        for (final NodeRunner r : runners)
        {
            r.halt();
        }
    }
}
