package dev.kvtier.transport.tcp.transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The target side of the Mooncake TCP data plane: accepts connections, and on each one serves a stream of
 * 24-byte-header READ/WRITE requests straight from and into {@link RegisteredMemory}. One acceptor thread hands
 * each connection to one of {@link TransferLimits#ioThreads()} selector threads ({@link TransferIoLoop}), so the
 * data port's threads stay fixed however many peers connect, idle or not; the connection cap bounds sockets. Bad
 * input — an unknown opcode, a truncated header or payload — closes that connection with a logged reason; a range
 * outside the registered memory is answered with status 1 on v2 connections. Other connections keep being served.
 */
public final class TransferServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(TransferServer.class.getName());
    /** After a failed accept (out of descriptors) the acceptor pauses this long rather than spin. */
    private static final long ACCEPT_BACKOFF_MS = 50;

    private final ServerSocketChannel server;
    private final TransferLimits limits;
    private final TransferServerCounters counters = new TransferServerCounters();
    private final TransferIoLoop[] loops;
    private final Thread[] loopThreads;
    private volatile boolean closed;
    private Thread acceptor;
    private long lastAcceptWarningNs;

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
        this.limits = limits;
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, port), 1024);
        this.loops = new TransferIoLoop[limits.ioThreads()];
        this.loopThreads = new Thread[loops.length];
        for (int i = 0; i < loops.length; i++)
        {
            loops[i] = new TransferIoLoop(memory, limits, counters, closeListener);
        }
    }

    public int port()
    {
        return ((InetSocketAddress)server.socket().getLocalSocketAddress()).getPort();
    }

    public TransferServer start()
    {
        for (int i = 0; i < loops.length; i++)
        {
            loopThreads[i] = new Thread(loops[i], "kvtier-transfer-io-" + port() + "-" + i);
            loopThreads[i].setDaemon(true);
            loopThreads[i].start();
        }
        acceptor = new Thread(this::acceptLoop, "kvtier-transfer-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    private void acceptLoop()
    {
        int next = 0;
        while (!closed)
        {
            final SocketChannel ch;
            try
            {
                ch = server.accept();
            }
            catch (final ClosedChannelException e)
            {
                return;
            }
            catch (final IOException e)
            {
                acceptFailed(e);
                continue;
            }
            catch (final Error e)
            {
                // out of memory: refuse this connection, keep accepting (the cap bounds what connections hold)
                LOG.log(System.Logger.Level.ERROR, "transfer accept failed: " + e, e);
                continue;
            }
            if (counters.connections.get() >= limits.maxConnections())
            {
                counters.refused.incrementAndGet();
                closeQuietly(ch);
                continue;
            }
            try
            {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, TransferLane.SOCKET_BUFFER_BYTES);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, TransferLane.SOCKET_BUFFER_BYTES);
            }
            catch (final IOException e)
            {
                closeQuietly(ch);
                continue;
            }
            final TransferIoLoop loop = nextServing(next);
            if (loop == null)
            {
                counters.refused.incrementAndGet();
                closeQuietly(ch);
                continue;
            }
            counters.connections.incrementAndGet();
            loop.hand(ch);
            next = (next + 1) % loops.length;
        }
    }

    /** The loop at {@code from}, or the next one still serving; null if every loop has failed. */
    private TransferIoLoop nextServing(final int from)
    {
        for (int i = 0; i < loops.length; i++)
        {
            final TransferIoLoop loop = loops[(from + i) % loops.length];
            if (loop.failure() == null)
            {
                return loop;
            }
        }
        return null;
    }

    /**
     * The error that stopped one of the I/O threads, or null while all serve. Its connections were closed and no
     * new ones go to it; when every I/O thread has failed, new connections are refused.
     */
    public Throwable failure()
    {
        for (final TransferIoLoop loop : loops)
        {
            if (loop.failure() != null)
            {
                return loop.failure();
            }
        }
        return null;
    }

    /**
     * Tells {@code listener} the error that stops any I/O thread, at once if one has stopped already: a process
     * that hosts this server decides whether to go on degraded or exit (the store exits, so that a supervisor
     * restarts it). The listener runs on the failing thread and must not block.
     */
    public void onFailure(final Consumer<Throwable> listener)
    {
        for (final TransferIoLoop loop : loops)
        {
            loop.onFailure(listener);
        }
        final Throwable already = failure();
        if (already != null)
        {
            listener.accept(already);
        }
    }

    /** A failed accept (typically no descriptor left): warned about once a second, then a short pause. */
    private void acceptFailed(final IOException e)
    {
        if (closed)
        {
            return;
        }
        final long now = System.nanoTime();
        if (now - lastAcceptWarningNs > 1_000_000_000L)
        {
            lastAcceptWarningNs = now;
            LOG.log(System.Logger.Level.WARNING, "transfer accept failed: " + e.getMessage());
        }
        try
        {
            Thread.sleep(ACCEPT_BACKOFF_MS);
        }
        catch (final InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    public TransferServerCounters counters()
    {
        return counters;
    }

    public long bytesIn()
    {
        return counters.bytesIn();
    }

    public long bytesOut()
    {
        return counters.bytesOut();
    }

    public long rejectedRequests()
    {
        return counters.rejected();
    }

    public TransferLimits limits()
    {
        return limits;
    }

    /** Connections open now. */
    public int connections()
    {
        return (int)counters.connections();
    }

    /** Connections closed at accept because {@link TransferLimits#maxConnections()} were open. */
    public long refusedConnections()
    {
        return counters.refused();
    }

    /** Connections closed because a request made no progress within the stall timeout. */
    public long stalledConnections()
    {
        return counters.stalled();
    }

    /** Connections closed after the idle timeout. */
    public long idleConnectionsClosed()
    {
        return counters.idleClosed();
    }

    private static void closeQuietly(final SocketChannel ch)
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
     * Stops accepting, closes every connection and waits for the server's threads to leave the registered
     * memory, so the caller may unmap it afterwards.
     *
     * @return false if a thread did not stop within 5 s (then the memory must not be unmapped)
     */
    public boolean closeAndAwait() throws IOException
    {
        close();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        boolean stopped = true;
        for (final Thread t : loopThreads)
        {
            if (t == null)
            {
                continue;
            }
            try
            {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return false;
            }
            stopped &= !t.isAlive();
        }
        return stopped;
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        server.close();
        for (final TransferIoLoop loop : loops)
        {
            loop.stop();
        }
    }
}
