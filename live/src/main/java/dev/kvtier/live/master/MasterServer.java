package dev.kvtier.live.master;

import dev.kvtier.live.http.MetadataService;
import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.live.runtime.NodeRunner;
import dev.kvtier.live.runtime.RemoteLink;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.input.InputTap;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.FrameException;
import dev.kvtier.transport.tcp.frame.MasterMessageCodec;
import dev.kvtier.transport.tcp.frame.WireWriter;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import dev.kvtier.transport.tcp.rpc.RpcConnection;
import dev.kvtier.transport.tcp.rpc.RpcServer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The master process: the model's {@link MasterNode} — the same class the simulator runs — hosted by a
 * {@link LiveRuntime}, fed by an {@link RpcServer} whose connections become remote node addresses, plus the
 * optional embedded HTTP metadata service and the admin/metrics HTTP endpoints.
 */
public final class MasterServer implements AutoCloseable
{
    private final MasterNode node;
    private final LiveRuntime runtime = new LiveRuntime();
    private final NodeRunner runner;
    private final RpcServer rpc;
    private final MetadataService metadata;
    private final MasterAdminService admin;
    private final Map<Integer, RpcConnection> connections = new ConcurrentHashMap<>();
    private final WireWriter replyWriter = new WireWriter(4096);
    private final java.util.Set<Long> authenticated = ConcurrentHashMap.newKeySet();
    private final ClusterToken token;
    private final java.util.concurrent.atomic.AtomicLong unauthenticated = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<Throwable>> failureListeners =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Throwable failure;

    public MasterServer(final MasterOptions options) throws IOException
    {
        this(options, null);
    }

    /** A master whose node's inputs are also copied to {@code tap} (null: none), e.g. to record or replay it. */
    public MasterServer(final MasterOptions options, final InputTap tap) throws IOException
    {
        runtime.tap(tap);
        runtime.errorHandler((n, error) ->
        {
            dev.kvtier.live.runtime.ErrorHandler.LOG.onError(n, error);
            if (error instanceof Error)
            {
                failed(error);
            }
        });
        node = new MasterNode(options.config());
        runner = runtime.add("master", node);
        runtime.remote(new ConnectionLink());
        token = options.clusterToken();
        rpc = bind("--rpc-port", options.rpcPort(), () -> new RpcServer(options.rpcAddress(), options.rpcPort(),
            options.rpcLimits(),
            new RpcServer.Handler()
            {
                @Override
                public void onFrame(final RpcConnection c, final ControlFrame f)
                {
                    accept(c, f);
                }

                @Override
                public void onClose(final RpcConnection c, final String reason)
                {
                    connections.remove(addressOf(c));
                    authenticated.remove(c.id());
                }

                @Override
                public void onFailure(final Throwable failure)
                {
                    failed(failure);
                }
            }));
        metadata = options.enableHttpMetadataServer()
            ? bind("--http-metadata-server-port", options.httpMetadataServerPort(),
                () -> new MetadataService(options.httpMetadataServerHost(), options.httpMetadataServerPort(),
                    "/metadata", options.metadataMaxBodyBytes(), options.clusterToken()))
            : null;
        if (metadata != null && options.enableMetadataCleanupOnTimeout())
        {
            node.onClientSegmentsDropped(segments ->
            {
                for (final dev.kvtier.model.store.Segment seg : segments)
                {
                    metadata.delete("mooncake/ram/" + seg.name());
                    metadata.delete("mooncake/rpc_meta/" + seg.name());
                }
            });
        }
        admin = bind("--metrics-port", options.metricsPort(),
            () -> new MasterAdminService(options.metricsHost(), options.metricsPort(), node, runner, this,
                options.clusterToken()));
    }

    private interface Binder<T>
    {
        T bind() throws IOException;
    }

    /** Binds one listener; a port in use becomes one line naming the flag and the fix. */
    private static <T> T bind(final String flag, final int port, final Binder<T> binder) throws IOException
    {
        try
        {
            return binder.bind();
        }
        catch (final java.net.BindException e)
        {
            throw new IllegalArgumentException(flag + " " + port + ": " + e.getMessage()
                + "; stop the process using it or pick another port (0 picks a free one)");
        }
    }

    public MasterServer start()
    {
        runtime.start();
        rpc.start("kvtier-master-rpc");
        if (metadata != null)
        {
            metadata.start();
        }
        admin.start();
        return this;
    }

    private static int addressOf(final RpcConnection c)
    {
        return LiveRuntime.REMOTE_BASE + (int)c.id();
    }

    private void accept(final RpcConnection c, final ControlFrame f)
    {
        if (f.kind() == ControlFrame.KIND_REQUEST && f.type() == MasterMessageCodec.TYPE_HELLO)
        {
            if (!token.admits(MasterMessageCodec.helloToken(f)))
            {
                unauthenticated.incrementAndGet();
                rpc.reject(c, "cluster token does not match this master's (" + ClusterToken.ENV + ")");
                return;
            }
            authenticated.add(c.id());
            return;
        }
        if (token.enabled() && !authenticated.contains(c.id()))
        {
            unauthenticated.incrementAndGet();
            rpc.reject(c, "this master requires a cluster token: open the session with a hello carrying it (set "
                + ClusterToken.ENV + ")");
            return;
        }
        if (f.kind() != ControlFrame.KIND_REQUEST)
        {
            rpc.reject(c, "expected a request frame, got kind " + f.kind());
            return;
        }
        final MasterRequest request;
        try
        {
            request = MasterMessageCodec.decodeRequest(f);
        }
        catch (final FrameException e)
        {
            rpc.reject(c, "malformed request: " + e.getMessage());
            return;
        }
        final int address = addressOf(c);
        connections.putIfAbsent(address, c);
        final long deadline = f.timeoutMs() > 0 ? System.nanoTime() + f.timeoutMs() * 1_000_000L : 0;
        runner.deliver(new NodeId(address, c.remote()), request, deadline);
    }

    /** Routes the master node's replies to the connection that asked (runs on the master's thread). */
    private final class ConnectionLink implements RemoteLink
    {
        @Override
        public void send(final NodeId to, final Message message)
        {
            final RpcConnection c = connections.get(to.index());
            if (c == null || !(message instanceof MasterReply reply))
            {
                return;
            }
            replyWriter.clear();
            MasterMessageCodec.encodeReply(replyWriter, reply);
            c.send(replyWriter.copy());
        }

        @Override
        public void expired(final NodeId from, final Message message)
        {
            final RpcConnection c = connections.get(from.index());
            if (c != null && message instanceof MasterRequest r)
            {
                c.send(ControlFrame.error(r.requestId(), ControlFrame.ERROR_DEADLINE,
                    "deadline exceeded before the master took the request"));
            }
        }
    }

    /**
     * Records that a server thread died: from now on {@code /health} answers {@code ready: false} and the
     * listeners (the CLI ends the process with a non-zero exit) are told.
     */
    public void failed(final Throwable cause)
    {
        if (failure == null)
        {
            failure = cause;
        }
        for (final java.util.function.Consumer<Throwable> l : failureListeners)
        {
            l.accept(cause);
        }
    }

    /** Called with the cause when a server thread dies. */
    public void onFailure(final java.util.function.Consumer<Throwable> listener)
    {
        failureListeners.add(listener);
        if (failure != null)
        {
            listener.accept(failure);
        }
    }

    /** The failure that made this master unready, or null while every server thread runs. */
    public Throwable failure()
    {
        return failure;
    }

    /** The RPC server, for its limits and counters. */
    public RpcServer rpc()
    {
        return rpc;
    }

    /** The embedded metadata service, or null. */
    public MetadataService metadata()
    {
        return metadata;
    }

    /** The admin HTTP service (metrics, health, segments, keys). */
    public MasterAdminService admin()
    {
        return admin;
    }

    /** RPC connections closed because they did not present the cluster token. */
    public long unauthenticatedConnections()
    {
        return unauthenticated.get();
    }

    public int rpcPort()
    {
        return rpc.port();
    }

    public int metricsPort()
    {
        return admin.port();
    }

    /** The metadata service's port, or -1 when it is not enabled. */
    public int metadataPort()
    {
        return metadata == null ? -1 : metadata.port();
    }

    /** The hosted node, for tests that compare it with a simulated one; read it only through {@link #runner()}. */
    public MasterNode node()
    {
        return node;
    }

    public NodeRunner runner()
    {
        return runner;
    }

    /** Upstream's summary line, read on the master's thread (for the periodic report). */
    public String summary() throws Exception
    {
        return runner.query(() -> MasterMetrics.summary(node)).get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException
    {
        admin.close();
        if (metadata != null)
        {
            metadata.close();
        }
        rpc.close();
        runtime.close();
    }
}
