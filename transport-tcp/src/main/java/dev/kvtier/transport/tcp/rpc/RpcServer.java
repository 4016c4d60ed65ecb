package dev.kvtier.transport.tcp.rpc;

import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.FrameException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A control-plane server on one NIO selector thread: accepts connections, cuts their bytes into
 * {@link ControlFrame}s and hands each to a {@link Handler} (which typically publishes it to a node's ring). A
 * connection that sends a frame it cannot accept — unknown version, oversized or malformed — is answered with an
 * error frame where that makes sense and closed, with the reason logged; the others are unaffected.
 *
 * <p>Every resource a peer can make the server hold is bounded by {@link RpcLimits}: connections, the bytes of one
 * unfinished frame, the bytes of all unfinished frames, the time a started frame may take and the time a
 * connection may stay silent. A connection over a limit is closed and counted in {@link RpcServerCounters}. An
 * {@link Error} on the I/O thread (which the limits are there to prevent) is never silent: the loop stops, and the
 * handler's {@link Handler#onFailure} is told, so the process can report itself not ready and exit.
 */
public final class RpcServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());
    private static final long SWEEP_NS = 100_000_000L;

    /** What the server does with frames and connection ends. Called on the I/O thread: must not block. */
    public interface Handler
    {
        void onFrame(RpcConnection connection, ControlFrame frame);

        void onClose(RpcConnection connection, String reason);

        /** The I/O thread died of {@code failure}; no connection is served any more. */
        default void onFailure(final Throwable failure)
        {
        }
    }

    private final Selector selector;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final RpcLimits limits;
    private final RpcServerCounters counters = new RpcServerCounters();
    private final List<RpcConnection> open = new ArrayList<>();
    private volatile boolean closed;
    private volatile Throwable failure;
    private long nextConnectionId = 1;
    private long bufferedBytes;
    private long lastSweepNs;
    private Thread ioThread;

    public RpcServer(final String host, final int port, final int maxFrameBytes, final Handler handler)
        throws IOException
    {
        this(host, port, RpcLimits.withMaxFrame(maxFrameBytes), handler);
    }

    public RpcServer(final String host, final int port, final RpcLimits limits, final Handler handler)
        throws IOException
    {
        this.handler = handler;
        this.limits = limits;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, port), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    public int port()
    {
        return ((InetSocketAddress)server.socket().getLocalSocketAddress()).getPort();
    }

    public RpcLimits limits()
    {
        return limits;
    }

    /** What the limits refused so far, and what is held now; readable from any thread. */
    public RpcServerCounters counters()
    {
        return counters;
    }

    /** The error that stopped the I/O thread, or null while it serves. */
    public Throwable failure()
    {
        return failure;
    }

    public RpcServer start(final String threadName)
    {
        ioThread = new Thread(this::loop, threadName);
        ioThread.setDaemon(true);
        ioThread.start();
        return this;
    }

    private void loop()
    {
        try
        {
            while (!closed)
            {
                selectOnce();
            }
        }
        catch (final Error e)
        {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "rpc I/O thread " + Thread.currentThread().getName()
                + " stopped: " + e, e);
            handler.onFailure(e);
        }
    }

    private void selectOnce()
    {
        try
        {
            selector.select(250);
            final Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext())
            {
                final SelectionKey key = it.next();
                it.remove();
                if (!key.isValid())
                {
                    continue;
                }
                if (key.isAcceptable())
                {
                    accept();
                    continue;
                }
                final RpcConnection c = (RpcConnection)key.attachment();
                try
                {
                    if (key.isWritable() && !c.flush())
                    {
                        release(c, "closed");
                        continue;
                    }
                    if (key.isValid() && key.isReadable())
                    {
                        read(c);
                    }
                }
                catch (final RuntimeException e)
                {
                    LOG.log(System.Logger.Level.ERROR, "rpc connection " + c.remote() + " failed: " + e, e);
                    drop(c, "server error: " + e, false);
                }
            }
            sweep();
        }
        catch (final IOException e)
        {
            if (!closed)
            {
                LOG.log(System.Logger.Level.WARNING, "rpc selector failed: " + e.getMessage());
            }
        }
    }

    private void accept() throws IOException
    {
        final SocketChannel ch = server.accept();
        if (ch == null)
        {
            return;
        }
        if (open.size() >= limits.maxConnections()
            || bufferedBytes + RpcLimits.INITIAL_BUFFER_BYTES > limits.maxBufferedBytes())
        {
            counters.refused.incrementAndGet();
            ch.close();
            return;
        }
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        final SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        final RpcConnection c = new RpcConnection(nextConnectionId++, ch, key, String.valueOf(ch.getRemoteAddress()));
        c.inbound = InputBuffers.allocate(RpcLimits.INITIAL_BUFFER_BYTES);
        c.lastFrameNs = System.nanoTime();
        bufferedBytes += c.inbound.capacity();
        open.add(c);
        key.attach(c);
        counters.connections.set(open.size());
        counters.bufferedBytes.set(bufferedBytes);
    }

    private void read(final RpcConnection c)
    {
        final int n;
        try
        {
            n = c.channel().read(c.inbound);
        }
        catch (final IOException e)
        {
            drop(c, "read failed: " + e.getMessage(), false);
            return;
        }
        if (n < 0)
        {
            if (c.inbound.position() > 0)
            {
                drop(c, "connection ended inside a frame (" + c.inbound.position() + " bytes pending)", true);
            }
            else
            {
                c.closeNow();
                release(c, "closed by peer");
            }
            return;
        }
        c.inbound.flip();
        try
        {
            ControlFrame f;
            while (c.isOpen() && (f = ControlFrame.decode(c.inbound, limits.maxFrameBytes())) != null)
            {
                c.lastFrameNs = System.nanoTime();
                handler.onFrame(c, f);
            }
        }
        catch (final FrameException e)
        {
            c.inbound.clear();
            counters.badFrames.incrementAndGet();
            reject(c, e.getMessage());
            return;
        }
        if (!c.isOpen())
        {
            release(c, "closed");
            return;
        }
        c.inbound.compact();
        if (c.inbound.position() == 0)
        {
            c.frameStartNs = 0;
            resize(c, RpcLimits.INITIAL_BUFFER_BYTES);
        }
        else if (c.frameStartNs == 0)
        {
            c.frameStartNs = System.nanoTime();
        }
        if (!c.inbound.hasRemaining())
        {
            grow(c);
        }
    }

    /** Makes room for the rest of the frame in the buffer, within the connection's and the server's budget. */
    private void grow(final RpcConnection c)
    {
        final long needed = c.inbound.position() >= 4 ? (c.inbound.getInt(0) & 0xFFFF_FFFFL) + 4 : Long.MAX_VALUE;
        final int target = (int)Math.min(Math.min(c.inbound.capacity() * 2L, needed), limits.maxFrameBytes() + 4L);
        if (target <= c.inbound.capacity())
        {
            return;
        }
        final long allowed = target > RpcLimits.SMALL_FRAME_BYTES ? limits.largeFrameBytesBudget()
            : limits.maxBufferedBytes();
        if (bufferedBytes - c.inbound.capacity() + target > allowed)
        {
            counters.overBudget.incrementAndGet();
            drop(c, "unfinished frames of all connections would exceed the " + limits.maxBufferedBytes()
                + "-byte budget", true);
            return;
        }
        resize(c, target);
    }

    private void resize(final RpcConnection c, final int capacity)
    {
        if (c.inbound.capacity() == capacity)
        {
            return;
        }
        final ByteBuffer next = InputBuffers.allocate(capacity);
        c.inbound.flip();
        next.put(c.inbound);
        bufferedBytes += capacity - c.inbound.capacity();
        InputBuffers.free(c.inbound);
        c.inbound = next;
        counters.bufferedBytes.set(bufferedBytes);
    }

    /** Closes connections past their frame deadline or idle timeout, and accounts for ones closed elsewhere. */
    private void sweep()
    {
        final long now = System.nanoTime();
        if (now - lastSweepNs < SWEEP_NS)
        {
            return;
        }
        lastSweepNs = now;
        final long frameNs = limits.frameDeadlineMs() * 1_000_000L;
        final long idleNs = limits.idleTimeoutMs() * 1_000_000L;
        for (final RpcConnection c : List.copyOf(open))
        {
            if (!c.isOpen())
            {
                release(c, "closed");
            }
            else if (c.frameStartNs != 0 && now - c.frameStartNs > frameNs)
            {
                counters.frameDeadlines.incrementAndGet();
                drop(c, "frame not complete within " + limits.frameDeadlineMs() + " ms ("
                    + c.inbound.position() + " bytes received)", true);
            }
            else if (idleNs > 0 && c.frameStartNs == 0 && now - c.lastFrameNs > idleNs)
            {
                counters.idleClosed.incrementAndGet();
                drop(c, "idle for more than " + limits.idleTimeoutMs() + " ms", false);
            }
        }
    }

    /** Answers bad input with an error frame naming it, then closes the connection. */
    public void reject(final RpcConnection c, final String reason)
    {
        LOG.log(System.Logger.Level.WARNING, "closing rpc connection " + c.remote() + ": " + reason);
        c.sendAndClose(ControlFrame.error(0, ControlFrame.ERROR_PROTOCOL, reason));
        release(c, reason);
    }

    private void drop(final RpcConnection c, final String reason, final boolean log)
    {
        if (log)
        {
            LOG.log(System.Logger.Level.WARNING, "closing rpc connection " + c.remote() + ": " + reason);
        }
        c.closeNow();
        release(c, reason);
    }

    /** Gives back what {@code c} held and tells the handler, once per connection (I/O thread only). */
    private void release(final RpcConnection c, final String reason)
    {
        if (c.released)
        {
            return;
        }
        c.released = true;
        open.remove(c);
        bufferedBytes -= c.inbound.capacity();
        InputBuffers.free(c.inbound);
        c.inbound = ByteBuffer.allocate(0);
        counters.connections.set(open.size());
        counters.bufferedBytes.set(bufferedBytes);
        handler.onClose(c, reason);
    }

    @Override
    public void close() throws IOException
    {
        if (!selector.isOpen())
        {
            return;
        }
        closed = true;
        selector.wakeup();
        if (ioThread != null)
        {
            try
            {
                ioThread.join(2000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final SelectionKey k : selector.keys())
        {
            if (k.attachment() instanceof RpcConnection c)
            {
                c.closeNow();
            }
        }
        server.close();
        selector.close();
    }
}
