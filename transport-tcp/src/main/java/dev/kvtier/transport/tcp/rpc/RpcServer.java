package dev.kvtier.transport.tcp.rpc;

import dev.kvtier.transport.tcp.frame.ControlFrame;
import dev.kvtier.transport.tcp.frame.FrameException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A control-plane server on one NIO selector thread: accepts connections, cuts their bytes into
 * {@link ControlFrame}s and hands each to a {@link Handler} (which typically publishes it to a node's ring). A
 * connection that sends a frame it cannot accept — unknown version, oversized or malformed — is answered with an
 * error frame where that makes sense and closed, with the reason logged; the others are unaffected.
 */
public final class RpcServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

    /** What the server does with frames and connection ends. Called on the I/O thread: must not block. */
    public interface Handler
    {
        void onFrame(RpcConnection connection, ControlFrame frame);

        void onClose(RpcConnection connection, String reason);
    }

    private final Selector selector;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final int maxFrameBytes;
    private volatile boolean closed;
    private long nextConnectionId = 1;
    private Thread ioThread;

    public RpcServer(final String host, final int port, final int maxFrameBytes, final Handler handler)
        throws IOException
    {
        this.handler = handler;
        this.maxFrameBytes = maxFrameBytes;
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

    public RpcServer start(final String threadName)
    {
        ioThread = new Thread(this::loop, threadName);
        ioThread.setDaemon(true);
        ioThread.start();
        return this;
    }

    private void loop()
    {
        while (!closed)
        {
            try
            {
                selector.select(1000);
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
                    if (key.isWritable() && !c.flush())
                    {
                        handler.onClose(c, "closed");
                        continue;
                    }
                    if (key.isValid() && key.isReadable())
                    {
                        read(c);
                    }
                }
            }
            catch (final IOException e)
            {
                if (!closed)
                {
                    LOG.log(System.Logger.Level.WARNING, "rpc selector failed: " + e.getMessage());
                }
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
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        final SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        final RpcConnection c = new RpcConnection(nextConnectionId++, ch, key, String.valueOf(ch.getRemoteAddress()));
        c.inbound = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        key.attach(c);
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
                handler.onClose(c, "closed by peer");
            }
            return;
        }
        c.inbound.flip();
        try
        {
            ControlFrame f;
            while (c.isOpen() && (f = ControlFrame.decode(c.inbound, maxFrameBytes)) != null)
            {
                handler.onFrame(c, f);
            }
        }
        catch (final FrameException e)
        {
            c.inbound.clear();
            reject(c, e.getMessage());
            return;
        }
        c.inbound.compact();
        if (!c.inbound.hasRemaining())
        {
            final ByteBuffer bigger = ByteBuffer.allocate(Math.min(c.inbound.capacity() * 2, maxFrameBytes + 4))
                .order(ByteOrder.LITTLE_ENDIAN);
            c.inbound.flip();
            bigger.put(c.inbound);
            c.inbound = bigger;
        }
    }

    /** Answers bad input with an error frame naming it, then closes the connection. */
    public void reject(final RpcConnection c, final String reason)
    {
        LOG.log(System.Logger.Level.WARNING, "closing rpc connection " + c.remote() + ": " + reason);
        c.sendAndClose(ControlFrame.error(0, ControlFrame.ERROR_PROTOCOL, reason));
        handler.onClose(c, reason);
    }

    private void drop(final RpcConnection c, final String reason, final boolean log)
    {
        if (log)
        {
            LOG.log(System.Logger.Level.WARNING, "closing rpc connection " + c.remote() + ": " + reason);
        }
        c.closeNow();
        handler.onClose(c, reason);
    }

    @Override
    public void close() throws IOException
    {
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
