package dev.kvtier.live.client;

import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.live.runtime.RemoteLink;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import dev.kvtier.transport.tcp.rpc.MasterRpcClient;
import dev.kvtier.transport.tcp.rpc.RpcException;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * The wire between hosted store nodes and a remote master: a node's {@link MasterRequest}s to {@link #MASTER}
 * travel over one pipelined {@link MasterRpcClient} connection, and each reply (or the failure that stands for
 * it: {@code RPC_FAIL} when the connection broke, {@code RPC_TIMEOUT} when the master did not answer in time) is
 * delivered into the node's ring as a message from the master. The node's thread never blocks: calls wait on a
 * few caller threads. A broken connection is re-dialled on the next request, so a master restarted on the same
 * port is found again and answers the next ping with NEED_REMOUNT. Messages for any other remote address go to
 * the sink given (a blocking facade waiting for its replies).
 */
public final class MasterChannel implements RemoteLink, AutoCloseable
{
    /** The address hosted nodes send master requests to. */
    public static final NodeId MASTER = new NodeId(LiveRuntime.REMOTE_BASE, "master");
    private static final System.Logger LOG = System.getLogger(MasterChannel.class.getName());
    private static final int CALLERS = 4;

    private final String address;
    private final ClusterToken token;
    private final int timeoutMs;
    private final BiConsumer<NodeId, Message> others;
    private final ExecutorService callers;
    private volatile NodeRunner node;
    private MasterRpcClient client;
    private volatile boolean closed;
    /** Wall-clock ms since which the master has not been reachable (0: it answers); why it is not. */
    private volatile long unreachableSinceMs;
    private volatile String unreachableReason;

    /**
     * @param address   the master's {@code host:port}
     * @param timeoutMs how long one call may wait for its reply
     * @param others    where messages to other remote addresses go
     */
    public MasterChannel(final String address, final int timeoutMs, final BiConsumer<NodeId, Message> others)
    {
        this(address, ClusterToken.resolve(null, System.getenv()), timeoutMs, others);
    }

    /**
     * @param token the cluster token each new connection opens its session with (none: upstream's behaviour)
     */
    public MasterChannel(final String address, final ClusterToken token, final int timeoutMs,
        final BiConsumer<NodeId, Message> others)
    {
        this.address = address;
        this.token = token;
        this.timeoutMs = timeoutMs;
        this.others = others;
        this.callers = Executors.newFixedThreadPool(CALLERS, r ->
        {
            final Thread t = new Thread(r, "kvtier-master-call");
            t.setDaemon(true);
            return t;
        });
    }

    /** Dials the master now, so that an unreachable one fails setup with its address instead of later calls. */
    public MasterChannel connect()
    {
        connection();
        return this;
    }

    /** The node whose ring replies are delivered into (set before the runtime starts). */
    public void replyTo(final NodeRunner runner)
    {
        this.node = runner;
    }

    @Override
    public void send(final NodeId to, final Message message)
    {
        if (to.index() != MASTER.index())
        {
            others.accept(to, message);
            return;
        }
        if (!(message instanceof MasterRequest request) || closed)
        {
            return;
        }
        callers.execute(() -> node.deliver(MASTER, call(request), 0));
    }

    private MasterReply call(final MasterRequest request)
    {
        final MasterRpcClient c;
        try
        {
            c = connection();
        }
        catch (final RpcException e)
        {
            unreachable(e.getMessage());
            return new MasterReply(request.requestId(), e.code(), null);
        }
        try
        {
            final MasterReply reply = c.call(request, timeoutMs);
            reachable();
            return reply;
        }
        catch (final RpcException e)
        {
            if (e.code() == ErrorCode.RPC_FAIL)
            {
                drop(c, e.getMessage());
                unreachable(e.getMessage());
            }
            return new MasterReply(request.requestId(), e.code(), null);
        }
    }

    private void unreachable(final String why)
    {
        if (unreachableSinceMs == 0 && !closed)
        {
            synchronized (this)
            {
                if (unreachableSinceMs == 0)
                {
                    unreachableSinceMs = System.currentTimeMillis();
                    unreachableReason = why;
                    LOG.log(System.Logger.Level.WARNING, unreachableSummary());
                }
            }
        }
    }

    private void reachable()
    {
        final long since = unreachableSinceMs;
        if (since != 0)
        {
            synchronized (this)
            {
                if (unreachableSinceMs != 0)
                {
                    unreachableSinceMs = 0;
                    LOG.log(System.Logger.Level.WARNING, "master " + address + " reachable again after "
                        + (System.currentTimeMillis() - since) + " ms");
                }
            }
        }
    }

    /**
     * "master host:port unreachable since <time> (<reason>)" while calls to the master fail for want of a
     * connection, null while it answers.
     */
    public String unreachableSummary()
    {
        final long since = unreachableSinceMs;
        return since == 0 ? null : "master " + address + " unreachable since " + java.time.Instant.ofEpochMilli(since)
            + " (" + unreachableReason + ")";
    }

    private synchronized MasterRpcClient connection()
    {
        if (client == null)
        {
            client = MasterRpcClient.connect(address, token);
        }
        return client;
    }

    private synchronized void drop(final MasterRpcClient c, final String why)
    {
        if (client == c)
        {
            LOG.log(System.Logger.Level.WARNING, "connection to master " + address + " lost (" + why
                + "); the next request dials again");
            client = null;
            c.close();
        }
    }

    @Override
    public void expired(final NodeId from, final Message message)
    {
        // a hosted client's inputs carry no deadlines
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        callers.shutdownNow();
        if (client != null)
        {
            client.close();
            client = null;
        }
    }
}
