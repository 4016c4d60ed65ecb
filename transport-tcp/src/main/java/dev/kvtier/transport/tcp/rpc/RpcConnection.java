package dev.kvtier.transport.tcp.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One accepted control-plane connection of an {@link RpcServer}. Any thread may {@link #send} a frame: it is
 * written straight away when the socket takes it, and queued for the I/O thread otherwise, so a node's consumer
 * thread answers without a hand-off in the common case.
 */
public final class RpcConnection
{
    private final long id;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
    private final String remote;
    ByteBuffer inbound;
    /** I/O thread only: when the last complete frame arrived, when the unfinished one started (0: none). */
    long lastFrameNs;
    long frameStartNs;
    boolean released;
    private volatile boolean closed;
    private boolean closeAfterFlush;

    RpcConnection(final long id, final SocketChannel channel, final SelectionKey key, final String remote)
    {
        this.id = id;
        this.channel = channel;
        this.key = key;
        this.remote = remote;
    }

    /** Dense id, unique within the server's life. */
    public long id()
    {
        return id;
    }

    public String remote()
    {
        return remote;
    }

    public boolean isOpen()
    {
        return !closed;
    }

    /** Sends one encoded frame (the buffer is taken over). */
    public void send(final ByteBuffer frame)
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            try
            {
                if (outbound.isEmpty())
                {
                    channel.write(frame);
                    if (!frame.hasRemaining())
                    {
                        return;
                    }
                }
                outbound.add(frame);
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
            catch (final IOException | java.nio.channels.CancelledKeyException e)
            {
                closeNow();
                return;
            }
        }
        key.selector().wakeup();
    }

    /** Sends {@code frame}, then closes once it is flushed. */
    void sendAndClose(final ByteBuffer frame)
    {
        synchronized (this)
        {
            closeAfterFlush = true;
        }
        send(frame);
        synchronized (this)
        {
            if (outbound.isEmpty())
            {
                closeNow();
            }
        }
    }

    /** Called by the I/O thread when writable; returns false if the connection closed. */
    boolean flush()
    {
        synchronized (this)
        {
            try
            {
                while (!outbound.isEmpty())
                {
                    final ByteBuffer b = outbound.peek();
                    channel.write(b);
                    if (b.hasRemaining())
                    {
                        return true;
                    }
                    outbound.poll();
                }
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                if (closeAfterFlush)
                {
                    closeNow();
                    return false;
                }
                return true;
            }
            catch (final IOException | java.nio.channels.CancelledKeyException e)
            {
                closeNow();
                return false;
            }
        }
    }

    SocketChannel channel()
    {
        return channel;
    }

    void closeNow()
    {
        synchronized (this)
        {
            closed = true;
            outbound.clear();
        }
        key.cancel();
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }
}
