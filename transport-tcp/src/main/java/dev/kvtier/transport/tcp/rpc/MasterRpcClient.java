package dev.kvtier.transport.tcp.rpc;

import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.FrameException;
import dev.kvtier.transport.tcp.frame.MasterMessageCodec;
import dev.kvtier.transport.tcp.frame.WireWriter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's one connection to the master. Any number of threads call it at once: requests are pipelined on the
 * socket and replies matched by request id. There is no reader thread: a waiting caller becomes the reader
 * (leader/follower) and dispatches every reply it reads, so the common case — one call in flight — costs no
 * thread hand-off on the way back. Each call carries its deadline to the master (which drops requests whose
 * budget ran out) and fails locally with {@code RPC_TIMEOUT} when it passes.
 */
public final class MasterRpcClient implements AutoCloseable
{
    /** Upstream's {@code MC_RPC_TIMEOUT_MS}. */
    public static final int DEFAULT_TIMEOUT_MS = 30_000;

    private final SocketChannel ch;
    private final String address;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<MasterReply>> pending = new ConcurrentHashMap<>();
    private final WireWriter writer = new WireWriter(4096);
    private final ReentrantLock readLock = new ReentrantLock();
    private final Selector selector;
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private volatile String closedReason;

    private MasterRpcClient(final SocketChannel ch, final String address) throws IOException
    {
        this.ch = ch;
        this.address = address;
        ch.configureBlocking(false);
        this.selector = Selector.open();
        ch.register(selector, SelectionKey.OP_READ);
    }

    /** Connects to {@code host:port}; fails with {@code RPC_FAIL} naming the address when nobody listens. */
    public static MasterRpcClient connect(final String hostPort)
    {
        return connect(hostPort, ClusterToken.NONE);
    }

    /**
     * Connects to {@code host:port} and, when {@code token} is set, opens the session with a hello carrying it
     * (a master without a token ignores it; one with another token closes the connection, and the next call
     * fails naming the reason).
     */
    public static MasterRpcClient connect(final String hostPort, final ClusterToken token)
    {
        final MasterRpcClient c = dial(hostPort);
        if (token.enabled())
        {
            c.hello(token);
        }
        return c;
    }

    private void hello(final ClusterToken token)
    {
        synchronized (writer)
        {
            writer.clear();
            MasterMessageCodec.encodeHello(writer, token.value().getBytes(StandardCharsets.UTF_8));
            final ByteBuffer b = writer.view();
            try
            {
                while (b.hasRemaining())
                {
                    if (ch.write(b) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            catch (final IOException e)
            {
                fail("connection to master " + address + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * A master's {@code host:port} as a socket address (unresolved), for callers that check it before they dial.
     *
     * @throws IllegalArgumentException when it is not {@code host:port} with a port in 1..65535
     */
    public static InetSocketAddress address(final String hostPort)
    {
        final int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("master address must be host:port, got '" + hostPort + "'");
        }
        final int port;
        try
        {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("master address must be host:port, got '" + hostPort + "'");
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("master address '" + hostPort + "': the port must be in 1..65535");
        }
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port);
    }

    private static MasterRpcClient dial(final String hostPort)
    {
        final InetSocketAddress at = address(hostPort);
        final String host = at.getHostString();
        final int port = at.getPort();
        try
        {
            final SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(new InetSocketAddress(host, port), 30_000);
            return new MasterRpcClient(ch, hostPort);
        }
        catch (final IOException e)
        {
            throw new RpcException(ErrorCode.RPC_FAIL, "cannot connect to master " + hostPort + ": "
                + e.getMessage());
        }
    }

    /** The id to put on the next request. */
    public long nextRequestId()
    {
        return nextId.getAndIncrement();
    }

    /** Sends {@code request} and waits for its reply, reading the socket itself when no other caller is. */
    public MasterReply call(final MasterRequest request, final int timeoutMs)
    {
        final CompletableFuture<MasterReply> f = send(request, timeoutMs);
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!f.isDone())
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                pending.remove(request.requestId());
                throw new RpcException(ErrorCode.RPC_TIMEOUT, "master " + address + " did not answer "
                    + request.getClass().getSimpleName() + " within " + timeoutMs + " ms");
            }
            if (readLock.tryLock())
            {
                try
                {
                    pump(f, deadline);
                }
                finally
                {
                    readLock.unlock();
                }
            }
            else
            {
                try
                {
                    f.get(Math.min(left, 1_000_000L), TimeUnit.NANOSECONDS);
                }
                catch (final TimeoutException | ExecutionException e)
                {
                    // loop: done, or take over the reading
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new RpcException(ErrorCode.RPC_FAIL, "interrupted");
                }
            }
        }
        try
        {
            return f.join();
        }
        catch (final CompletionException e)
        {
            if (e.getCause() instanceof RpcException r)
            {
                throw new RpcException(r.code(), r.getMessage());
            }
            throw new RpcException(ErrorCode.RPC_FAIL, String.valueOf(e.getCause()));
        }
    }

    /** As the reader: reads and dispatches replies until {@code mine} is done or the deadline passes. */
    private void pump(final CompletableFuture<MasterReply> mine, final long deadline)
    {
        try
        {
            while (!mine.isDone() && closedReason == null)
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0)
                {
                    return;
                }
                selector.select(Math.min(leftMs, 1000));
                selector.selectedKeys().clear();
                final int n = ch.read(in);
                if (n < 0)
                {
                    fail("connection to master " + address + " closed");
                    return;
                }
                in.flip();
                ControlFrame f;
                while ((f = ControlFrame.decode(in, Integer.MAX_VALUE - 8)) != null)
                {
                    dispatch(f);
                }
                in.compact();
                if (!in.hasRemaining())
                {
                    final ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
                    in.flip();
                    bigger.put(in);
                    in = bigger;
                }
            }
        }
        catch (final IOException e)
        {
            fail("connection to master " + address + " failed: " + e.getMessage());
        }
        catch (final FrameException e)
        {
            fail("bad frame from master " + address + ": " + e.getMessage());
            close();
        }
    }

    public MasterReply call(final MasterRequest request)
    {
        return call(request, DEFAULT_TIMEOUT_MS);
    }

    private CompletableFuture<MasterReply> send(final MasterRequest request, final int timeoutMs)
    {
        final CompletableFuture<MasterReply> f = new CompletableFuture<>();
        if (closedReason != null)
        {
            f.completeExceptionally(new RpcException(ErrorCode.RPC_FAIL, closedReason));
            return f;
        }
        pending.put(request.requestId(), f);
        try
        {
            synchronized (writer)
            {
                writer.clear();
                MasterMessageCodec.encodeRequest(writer, request, timeoutMs);
                final ByteBuffer b = writer.view();
                while (b.hasRemaining())
                {
                    if (ch.write(b) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
        }
        catch (final IOException e)
        {
            fail("connection to master " + address + " failed: " + e.getMessage());
        }
        return f;
    }

    private void dispatch(final ControlFrame f)
    {
        if (f.kind() == ControlFrame.KIND_ERROR)
        {
            final String text = f.errorText();
            if (f.requestId() == 0)
            {
                fail("master " + address + " closed the connection: " + text);
                return;
            }
            final CompletableFuture<MasterReply> p = pending.remove(f.requestId());
            if (p != null)
            {
                final ErrorCode code = f.type() == ControlFrame.ERROR_DEADLINE ? ErrorCode.RPC_TIMEOUT
                    : ErrorCode.RPC_FAIL;
                p.completeExceptionally(new RpcException(code, "master " + address + ": " + text));
            }
            return;
        }
        final MasterReply reply = MasterMessageCodec.decodeReply(f);
        final CompletableFuture<MasterReply> p = pending.remove(reply.requestId());
        if (p != null)
        {
            p.complete(reply);
        }
    }

    private void fail(final String reason)
    {
        if (closedReason == null)
        {
            closedReason = reason;
        }
        for (final Long id : pending.keySet())
        {
            final CompletableFuture<MasterReply> p = pending.remove(id);
            if (p != null)
            {
                p.completeExceptionally(new RpcException(ErrorCode.RPC_FAIL, reason));
            }
        }
    }

    public boolean isOpen()
    {
        return closedReason == null && ch.isOpen();
    }

    @Override
    public void close()
    {
        fail("client closed");
        try
        {
            ch.close();
            selector.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }
}
