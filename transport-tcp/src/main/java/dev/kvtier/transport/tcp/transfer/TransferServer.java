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
    private final TransferLimits limits;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final java.util.concurrent.ScheduledExecutorService watchdog =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "kvtier-transfer-server-watchdog");
            t.setDaemon(true);
            return t;
        });
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
        this(memory, host, port, TransferLimits.defaults(), closeListener);
    }

    public TransferServer(final RegisteredMemory memory, final String host, final int port,
        final TransferLimits limits, final Consumer<String> closeListener) throws IOException
    {
        this.memory = memory;
        this.limits = limits;
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
        final long period = Math.max(10, Math.min(250, limits.stallTimeoutMs() / 4));
        watchdog.scheduleWithFixedDelay(this::sweep, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /** One connection: its channel and when it last made progress; busy while a request is being served. */
    private static final class Connection
    {
        final SocketChannel ch;
        volatile long lastNs = System.nanoTime();
        volatile boolean busy;

        Connection(final SocketChannel ch)
        {
            this.ch = ch;
        }
    }

    /** Closes connections whose request made no progress within the stall timeout, or idle past the idle one. */
    private void sweep()
    {
        final long now = System.nanoTime();
        for (final Connection c : connections)
        {
            final long quiet = now - c.lastNs;
            if (c.busy && quiet > limits.stallTimeoutMs() * 1_000_000L)
            {
                stalled.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "transfer connection closed: request stalled for more than "
                    + limits.stallTimeoutMs() + " ms");
                close(c.ch);
            }
            else if (!c.busy && limits.idleTimeoutMs() > 0 && quiet > limits.idleTimeoutMs() * 1_000_000L)
            {
                idleClosed.incrementAndGet();
                close(c.ch);
            }
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final SocketChannel ch = server.accept();
                if (connections.size() >= limits.maxConnections())
                {
                    refused.incrementAndGet();
                    close(ch);
                    continue;
                }
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, TransferLane.SOCKET_BUFFER_BYTES);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, TransferLane.SOCKET_BUFFER_BYTES);
                final Connection c = new Connection(ch);
                connections.add(c);
                final Thread t = new Thread(() ->
                {
                    try
                    {
                        serve(c);
                    }
                    catch (final RuntimeException | Error e)
                    {
                        LOG.log(System.Logger.Level.ERROR, "transfer connection thread failed: " + e, e);
                        connections.remove(c);
                        close(ch);
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
            catch (final Error e)
            {
                // out of threads or memory: refuse this connection, keep accepting (the cap bounds both)
                LOG.log(System.Logger.Level.ERROR, "transfer accept failed: " + e, e);
            }
        }
    }

    private void serve(final Connection c)
    {
        final SocketChannel ch = c.ch;
        final ByteBuffer header = ByteBuffer.allocateDirect(TransferHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer status = ByteBuffer.allocateDirect(TransferStatus.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        String reason = null;
        try
        {
            while (!closed)
            {
                header.clear();
                c.busy = false;
                c.lastNs = System.nanoTime();
                if (!readHeader(c, header))
                {
                    break;
                }
                header.flip();
                final TransferHeader h = TransferHeader.decode(header);
                reason = handle(c, h, status);
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
            connections.remove(c);
            close(ch);
        }
        if (reason != null)
        {
            LOG.log(System.Logger.Level.WARNING, "transfer connection closed: " + reason);
            closeListener.accept(reason);
        }
    }

    /** Serves one request; returns a reason to close the connection, or null to go on. */
    private String handle(final Connection c, final TransferHeader h, final ByteBuffer status)
        throws IOException
    {
        final SocketChannel ch = c.ch;
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
                drain(c, h.size());
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
                c.lastNs = System.nanoTime();
                position += sent;
                left -= sent;
            }
            bytesOut.addAndGet(h.size());
            return null;
        }
        final ByteBuffer region = memory.view(h.addr(), h.size());
        if (op == TransferHeader.WRITE)
        {
            if (!readFully(c, region, false))
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
                c.lastNs = System.nanoTime();
            }
        }
        else
        {
            while (region.hasRemaining())
            {
                ch.write(region);
                c.lastNs = System.nanoTime();
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

    private static void drain(final Connection c, final long bytes) throws IOException
    {
        final ByteBuffer sink = ByteBuffer.allocateDirect(TransferHeader.SLICE_BYTES);
        long left = bytes;
        while (left > 0)
        {
            sink.clear().limit((int)Math.min(sink.capacity(), left));
            if (!readFully(c, sink, false))
            {
                throw new EOFException("connection ended inside a rejected WRITE payload");
            }
            left -= sink.limit();
        }
    }

    /** Reads the next header: idle until its first byte, then a request the stall timeout watches. */
    private static boolean readHeader(final Connection c, final ByteBuffer header) throws IOException
    {
        if (c.ch.read(header) < 0)
        {
            return false;
        }
        c.busy = true;
        c.lastNs = System.nanoTime();
        return readFully(c, header, true);
    }

    /** Fills {@code buf}; false on a clean EOF before the first byte when {@code eofOk}, EOFException otherwise. */
    private static boolean readFully(final Connection c, final ByteBuffer buf, final boolean eofOk)
        throws IOException
    {
        final SocketChannel ch = c.ch;
        final int start = eofOk ? 0 : buf.position();
        while (buf.hasRemaining())
        {
            final int n = ch.read(buf);
            if (n > 0)
            {
                c.lastNs = System.nanoTime();
            }
            if (n < 0)
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

    public TransferLimits limits()
    {
        return limits;
    }

    /** Connections open now (each has its serving thread). */
    public int connections()
    {
        return connections.size();
    }

    /** Connections closed at accept because {@link TransferLimits#maxConnections()} were open. */
    public long refusedConnections()
    {
        return refused.get();
    }

    /** Connections closed because a request made no progress within the stall timeout. */
    public long stalledConnections()
    {
        return stalled.get();
    }

    /** Connections closed after the idle timeout. */
    public long idleConnectionsClosed()
    {
        return idleClosed.get();
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
        watchdog.shutdownNow();
        server.close();
        for (final Connection c : connections)
        {
            close(c.ch);
        }
    }
}
