package dev.kvtier.live.runtime;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.input.InputTap;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The live counterpart of the simulator's runtime: hosts model nodes in this process, each on its own
 * {@link NodeRunner} (ring, consumer thread, its own timers), routes sends either to a local runner or, for
 * addresses it does not host, to the {@link RemoteLink} (sockets), and gives them one data plane
 * ({@link #transfers}) for the bytes their transfers move. Local node indices are dense from 0; remote peers use
 * indices the link hands out from {@link #REMOTE_BASE} up.
 */
public final class LiveRuntime implements AutoCloseable
{
    /** First node index reserved for remote peers. */
    public static final int REMOTE_BASE = 1 << 20;
    private static final int RING_SIZE = 1 << 14;

    private final List<NodeRunner> runners = new ArrayList<>();
    private final long runSeed;
    private final LongSupplier clock;
    private final long startNs;
    private InputTap tap;
    private ErrorHandler errorHandler = ErrorHandler.LOG;
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

    /** A runtime on {@link System#nanoTime()} with a fresh run seed. */
    public LiveRuntime()
    {
        this(ThreadLocalRandom.current().nextLong(), System::nanoTime);
    }

    /** A runtime on {@code clock} with a fresh run seed. */
    public LiveRuntime(final LongSupplier clock)
    {
        this(ThreadLocalRandom.current().nextLong(), clock);
    }

    /**
     * A runtime whose nodes read {@code clock} (nanoseconds, monotonic; message deadlines handed to
     * {@link NodeRunner#deliver} are on it too), their {@code now()} counting from this constructor's reading,
     * and whose nodes' seeds derive from {@code runSeed} and their names unless {@link #add(String, Node, long)}
     * gives one.
     */
    public LiveRuntime(final long runSeed, final LongSupplier clock)
    {
        this.runSeed = runSeed;
        this.clock = clock;
        this.startNs = clock.getAsLong();
    }

    /** Adds a node (before {@link #start}) seeded from the run seed and its name; returns its runner. */
    public NodeRunner add(final String name, final Node node)
    {
        return add(name, node, nodeSeed(runSeed, name));
    }

    /** Adds a node whose random stream starts from {@code seed} (recorded in its {@code Start} input). */
    public NodeRunner add(final String name, final Node node, final long seed)
    {
        final NodeRunner r = new NodeRunner(new NodeId(runners.size(), name), node, this, RING_SIZE, seed);
        runners.add(r);
        return r;
    }

    /** A node's seed from the run's: the same run seed and name give the same stream in every run. */
    public static long nodeSeed(final long runSeed, final String name)
    {
        return new SplittableRandom(runSeed ^ (0x9E3779B97F4A7C15L * name.hashCode())).nextLong();
    }

    /**
     * Copies every node's inputs to {@code tap} (before {@link #start}), each stamped with the time its node saw:
     * the hook for a recorder, a replica, or a test that replays a node in the simulator.
     */
    public LiveRuntime tap(final InputTap inputTap)
    {
        this.tap = inputTap;
        return this;
    }

    InputTap tap()
    {
        return tap;
    }

    /** Where node exceptions go after being counted (before {@link #start}); default {@link ErrorHandler#LOG}. */
    public LiveRuntime errorHandler(final ErrorHandler handler)
    {
        this.errorHandler = handler;
        return this;
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

    /** Hands a node's new region to the engine, if this runtime has one. */
    void prepare(final MemoryRegion region)
    {
        if (transfers != null)
        {
            transfers.register(region);
        }
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

    LongSupplier clock()
    {
        return clock;
    }

    ErrorHandler errorHandler()
    {
        return errorHandler;
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
        if (to.index() >= 0 && to.index() < runners.size())
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
        for (final NodeRunner r : runners)
        {
            r.halt();
        }
    }
}
