package dev.kvtier.live.client;

import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.Segment;
import dev.kvtier.model.store.client.StoreClientNode;
import dev.kvtier.model.store.client.StoreCommand;
import dev.kvtier.model.store.client.StoreCommandReply;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.transport.tcp.rpc.ClusterToken;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * One {@link StoreClientNode} hosted live in this process, and a blocking call into it: the command goes into the
 * node's ring, the caller waits for the node's {@link StoreCommandReply}. This is all the live client library adds
 * to the model's client: threads to wait on, a master connection and a transfer engine. Every decision of the
 * put/get protocol is the node's.
 */
public final class HostedStoreClient implements AutoCloseable
{
    /** The address the node answers commands to. */
    private static final NodeId CALLER = new NodeId(LiveRuntime.REMOTE_BASE + 1, "caller");

    private final LiveRuntime runtime;
    private final MasterChannel master;
    private final NodeRunner runner;
    private final StoreClientNode node;
    private final Map<Long, CompletableFuture<long[]>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final long timeoutMs;

    /**
     * @param segment       memory this client contributes, or null
     * @param segmentMemory the bytes behind it (at the segment's base address), or null
     * @param timeoutMs     how long a call may wait: beyond the protocol's own RPC and transfer limits
     */
    public HostedStoreClient(final String masterAddress, final long clientId, final Segment segment,
        final MemoryRegion segmentMemory, final TransferEngine engine, final EndpointDirectory directory,
        final long timeoutMs)
    {
        this(masterAddress, ClusterToken.resolve(null, System.getenv()), clientId, segment, segmentMemory, engine,
            directory, timeoutMs);
    }

    /** @param token the cluster token the master connection presents (none: upstream's behaviour) */
    public HostedStoreClient(final String masterAddress, final ClusterToken token, final long clientId,
        final Segment segment, final MemoryRegion segmentMemory, final TransferEngine engine,
        final EndpointDirectory directory, final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
        this.master = new MasterChannel(masterAddress, token, (int)Math.min(Integer.MAX_VALUE, timeoutMs),
            this::answer).connect();
        this.runtime = new LiveRuntime().transfers(engine, directory);
        this.node = new StoreClientNode(MasterChannel.MASTER, clientId, segment, segmentMemory);
        this.runner = runtime.add("store-client", node);
        master.replyTo(runner);
        runtime.remote(master);
        runtime.start();
    }

    private void answer(final NodeId to, final Message message)
    {
        if (message instanceof StoreCommandReply reply)
        {
            final CompletableFuture<long[]> f = waiting.remove(reply.id());
            if (f != null)
            {
                f.complete(reply.values());
            }
        }
    }

    /** "master host:port unreachable since …" while calls to the master fail, else null. */
    public String masterUnreachable()
    {
        return master.unreachableSummary();
    }

    /** The runtime, e.g. to wait until the node's segment is published ({@link LiveRuntime#exposed}). */
    public LiveRuntime runtime()
    {
        return runtime;
    }

    /** The hosted node, for its counters (read them through {@link NodeRunner#query}). */
    public NodeRunner runner()
    {
        return runner;
    }

    public StoreClientNode node()
    {
        return node;
    }

    /**
     * Runs the command built for a fresh id and waits for its reply; {@code keys} values of RPC_TIMEOUT if the node
     * does not answer in time (the node's own limits make that a lost reply, never a half-done operation).
     */
    public long[] call(final LongFunction<StoreCommand> command, final int keys)
    {
        final long id = nextId.getAndIncrement();
        final CompletableFuture<long[]> f = new CompletableFuture<>();
        waiting.put(id, f);
        runner.deliver(CALLER, command.apply(id), 0);
        try
        {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException e)
        {
            waiting.remove(id);
            final long[] out = new long[Math.max(1, keys)];
            Arrays.fill(out, ErrorCode.RPC_TIMEOUT.code());
            return out;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            waiting.remove(id);
            final long[] out = new long[Math.max(1, keys)];
            Arrays.fill(out, ErrorCode.RPC_FAIL.code());
            return out;
        }
        catch (final ExecutionException e)
        {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close()
    {
        runtime.close();
        master.close();
    }
}
