package dev.kvtier.transport.tcp.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The target side of the Mooncake TCP data plane: accepts connections, and on each one serves a stream of
 * 24-byte-header READ/WRITE requests straight from and into {@link RegisteredMemory}, one thread per connection
 * (connections are few and long-lived: clients keep a small pool of lanes per peer). Bad input — an unknown
 * opcode, a truncated header or payload — closes that connection with a logged reason; a range outside the
 * registered memory is answered with status 1 on v2 connections. Other connections keep being served.
 */
public final class TransferServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(TransferServer.class.getName());
    /** A rejected v2 WRITE up to this size is drained so the connection stays usable; larger ones close it. */
    private static final long MAX_DRAIN_BYTES = 64L << 20;

    private final RegisteredMemory memory;
    private final ServerSocketChannel server;
    private final Consumer<String> closeListener;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closed;
    private Thread acceptor;

    /**
     * @param closeListener told the reason each time a connection is closed for bad input (for logs and tests)
     */
    public TransferServer(final RegisteredMemory memory, final String host, final int port,
        final Consumer<String> closeListener) throws IOException
    {
        this.memory = memory;
        this.closeListener = closeListener;
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, port), 128);
    }

    public int port()
    {
        return ((InetSocketAddress)server.socket().getLocalSocketAddress()).getPort();
    }

    public TransferServer start()
    {
        acceptor = new Thread(this::acceptLoop, "kvtier-transfer-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final SocketChannel ch = server.accept();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, TransferLane.SOCKET_BUFFER_BYTES);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, TransferLane.SOCKET_BUFFER_BYTES);
                connections.add(ch);
                final Thread t = new Thread(() ->
                {
                    try
                    {
                        serve(ch);
                    }
                    finally
                    {
                        workers.remove(Thread.currentThread());
                    }
                }, "kvtier-transfer-" + ch.getRemoteAddress());
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
            catch (final IOException e)
            {
                if (!closed)
                {
                    LOG.log(System.Logger.Level.WARNING, "transfer accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(final SocketChannel ch)
    {
        final ByteBuffer header = ByteBuffer.allocateDirect(TransferHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer status = ByteBuffer.allocateDirect(TransferStatus.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        String reason = null;
        try
        {
            while (!closed)
            {
                header.clear();
                if (!readFully(ch, header, true))
                {
                    break;
                }
                header.flip();
                final TransferHeader h = TransferHeader.decode(header);
                reason = handle(ch, h, status);
                if (reason != null)
                {
                    break;
                }
            }
        }
        catch (final EOFException e)
        {
            reason = e.getMessage();
        }
        catch (final IOException e)
        {
            if (!closed)
            {
                reason = "I/O error: " + e.getMessage();
            }
        }
        finally
        {
            connections.remove(ch);
            close(ch);
        }
        if (reason != null)
        {
            LOG.log(System.Logger.Level.WARNING, "transfer connection closed: " + reason);
            closeListener.accept(reason);
        }
    }

    /** Serves one request; returns a reason to close the connection, or null to go on. */
    private String handle(final SocketChannel ch, final TransferHeader h, final ByteBuffer status)
        throws IOException
    {
        final int op = h.operation();
        if (op != TransferHeader.READ && op != TransferHeader.WRITE)
        {
            return "unknown transfer opcode 0x" + Integer.toHexString(h.opcode());
        }
        if (h.size() == 0)
        {
            return h.v2() ? sendStatus(ch, status, TransferStatus.OK) : null;
        }
        final boolean inRange = memory.contains(h.addr(), h.size()) && h.size() <= Integer.MAX_VALUE;
        if (!inRange)
        {
            rejected.incrementAndGet();
            final String why = "address range 0x" + Long.toHexString(h.addr()) + "+" + Long.toUnsignedString(h.size())
                + " is outside the registered memory";
            if (!h.v2())
            {
                return why + " (v1 peer: closing)";
            }
            if (op == TransferHeader.WRITE)
            {
                if (h.size() < 0 || h.size() > MAX_DRAIN_BYTES)
                {
                    sendStatus(ch, status, TransferStatus.ADDRESS_REJECTED);
                    return why + " and too large to drain";
                }
                drain(ch, h.size());
            }
            LOG.log(System.Logger.Level.WARNING, "transfer request rejected: " + why);
            return sendStatus(ch, status, TransferStatus.ADDRESS_REJECTED);
        }
        final RegisteredMemory.Region backing = memory.find(h.addr(), h.size());
        if (op == TransferHeader.READ && h.v2() && backing.file() != null)
        {
            sendStatus(ch, status, TransferStatus.OK);
            long position = h.addr() - backing.base();
            long left = h.size();
            while (left > 0)
            {
                final long sent = backing.file().transferTo(position, left, ch);
                position += sent;
                left -= sent;
            }
            bytesOut.addAndGet(h.size());
            return null;
        }
        final ByteBuffer region = memory.view(h.addr(), h.size());
        if (op == TransferHeader.WRITE)
        {
            if (!readFully(ch, region, false))
            {
                return "connection ended inside a WRITE payload";
            }
            bytesIn.addAndGet(h.size());
            return h.v2() ? sendStatus(ch, status, TransferStatus.OK) : null;
        }
        if (h.v2())
        {
            status.clear();
            TransferStatus.encode(status, TransferStatus.OK);
            status.flip();
            final ByteBuffer[] both = {status, region};
            while (region.hasRemaining())
            {
                ch.write(both);
            }
        }
        else
        {
            while (region.hasRemaining())
            {
                ch.write(region);
            }
        }
        bytesOut.addAndGet(h.size());
        return null;
    }

    private static String sendStatus(final SocketChannel ch, final ByteBuffer status, final int code)
        throws IOException
    {
        status.clear();
        TransferStatus.encode(status, code);
        status.flip();
        while (status.hasRemaining())
        {
            ch.write(status);
        }
        return null;
    }

    private static void drain(final SocketChannel ch, final long bytes) throws IOException
    {
        final ByteBuffer sink = ByteBuffer.allocateDirect(TransferHeader.SLICE_BYTES);
        long left = bytes;
        while (left > 0)
        {
            sink.clear().limit((int)Math.min(sink.capacity(), left));
            if (!readFully(ch, sink, false))
            {
                throw new EOFException("connection ended inside a rejected WRITE payload");
            }
            left -= sink.limit();
        }
    }

    /** Fills {@code buf}; false on a clean EOF before the first byte when {@code eofOk}, EOFException otherwise. */
    private static boolean readFully(final SocketChannel ch, final ByteBuffer buf, final boolean eofOk)
        throws IOException
    {
        final int start = buf.position();
        while (buf.hasRemaining())
        {
            if (ch.read(buf) < 0)
            {
                if (eofOk && buf.position() == start)
                {
                    return false;
                }
                throw new EOFException(eofOk ? "truncated transfer header (" + (buf.position() - start)
                    + " of " + TransferHeader.BYTES + " bytes)" : "connection ended inside a WRITE payload");
            }
        }
        return true;
    }

    public long bytesIn()
    {
        return bytesIn.get();
    }

    public long bytesOut()
    {
        return bytesOut.get();
    }

    public long rejectedRequests()
    {
        return rejected.get();
    }

    private static void close(final SocketChannel ch)
    {
        try
        {
            ch.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }

    /**
     * Stops accepting, closes every connection and waits for the connection threads to leave the registered
     * memory, so the caller may unmap it afterwards.
     *
     * @return false if a connection thread did not stop within 5 s (then the memory must not be unmapped)
     */
    public boolean closeAndAwait() throws IOException
    {
        close();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        for (final Thread t : workers)
        {
            try
            {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return workers.isEmpty();
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        server.close();
        for (final SocketChannel ch : connections)
        {
            close(ch);
        }
    }
}
