package dev.kvtier.transport.tcp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One selector thread of a {@link TransferServer}, serving the share of the data port's connections the acceptor
 * handed it: each ready connection moves what its socket takes now ({@link TransferConnection#advance}), so one
 * thread serves any number of connections and an idle or slow one holds no thread. The same thread sweeps its
 * connections for the stall and idle timeouts, so no other thread ever touches them or the registered memory
 * through them.
 */
final class TransferIoLoop implements Runnable
{
    private static final System.Logger LOG = System.getLogger(TransferIoLoop.class.getName());

    private final Selector selector;
    private final RegisteredMemory memory;
    private final TransferLimits limits;
    private final TransferServerCounters counters;
    private final Consumer<String> closeListener;
    private final Queue<SocketChannel> handedOver = new ConcurrentLinkedQueue<>();
    private final List<TransferConnection> open = new ArrayList<>();
    /** Scratch space for draining rejected WRITE payloads; one per loop, as a loop serves one at a time. */
    private final ByteBuffer sink = ByteBuffer.allocateDirect(TransferHeader.SLICE_BYTES);
    private final long sweepNs;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Consumer<Throwable> failureListener;
    private long lastSweepNs = System.nanoTime();

    TransferIoLoop(final RegisteredMemory memory, final TransferLimits limits, final TransferServerCounters counters,
        final Consumer<String> closeListener) throws IOException
    {
        this.selector = Selector.open();
        this.memory = memory;
        this.limits = limits;
        this.counters = counters;
        this.closeListener = closeListener;
        this.sweepNs = Math.max(10, Math.min(250, limits.stallTimeoutMs() / 4)) * 1_000_000L;
    }

    /** Gives this loop an accepted, non-blocking connection (any thread). */
    void hand(final SocketChannel channel)
    {
        handedOver.add(channel);
        selector.wakeup();
        if (closed)
        {
            closeHandedOver();
        }
    }

    @Override
    public void run()
    {
        try
        {
            while (!closed)
            {
                registerHandedOver();
                selector.select(this::serve, sweepNs / 1_000_000L);
                final long now = System.nanoTime();
                if (now - lastSweepNs >= sweepNs)
                {
                    lastSweepNs = now;
                    sweep(now);
                }
            }
        }
        catch (final IOException e)
        {
            if (!closed)
            {
                failure = e;
                closed = true;
                LOG.log(System.Logger.Level.ERROR, "transfer I/O loop " + Thread.currentThread().getName()
                    + " stopped: " + e, e);
                tellFailure(e);
            }
        }
        catch (final RuntimeException | Error e)
        {
            // never silent: the server stops handing this loop connections and reports why (failure())
            failure = e;
            closed = true;
            LOG.log(System.Logger.Level.ERROR, "transfer I/O loop " + Thread.currentThread().getName()
                + " stopped: " + e, e);
            tellFailure(e);
        }
        finally
        {
            for (final TransferConnection c : List.copyOf(open))
            {
                c.closeReason = null;
                close(c);
            }
            closeHandedOver();
            try
            {
                selector.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }

    private void registerHandedOver() throws IOException
    {
        SocketChannel ch;
        while ((ch = handedOver.poll()) != null)
        {
            final TransferConnection c = new TransferConnection(ch, memory, counters);
            try
            {
                c.attach(ch.register(selector, SelectionKey.OP_READ, c));
                open.add(c);
            }
            catch (final IOException e)
            {
                counters.connections.decrementAndGet();
                closeQuietly(ch);
            }
        }
    }

    /** Serves one ready connection (called by {@link Selector#select(java.util.function.Consumer, long)}). */
    private void serve(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }
        final TransferConnection c = (TransferConnection)key.attachment();
        try
        {
            if (!c.advance(sink))
            {
                close(c);
            }
        }
        catch (final IOException e)
        {
            c.closeReason = closed ? null : "I/O error: " + e.getMessage();
            close(c);
        }
        catch (final RuntimeException e)
        {
            LOG.log(System.Logger.Level.ERROR, "transfer connection failed: " + e, e);
            c.closeReason = "server error: " + e;
            close(c);
        }
    }

    /** Closes connections whose request made no progress within the stall timeout, or idle past the idle one. */
    private void sweep(final long now)
    {
        final long stallNs = limits.stallTimeoutMs() * 1_000_000L;
        final long idleNs = limits.idleTimeoutMs() * 1_000_000L;
        for (int i = open.size() - 1; i >= 0; i--)
        {
            final TransferConnection c = open.get(i);
            final long quiet = now - c.lastProgressNs;
            if (c.busy() && quiet > stallNs)
            {
                counters.stalled.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "transfer connection closed: request stalled for more than "
                    + limits.stallTimeoutMs() + " ms");
                c.closeReason = null;
                close(c);
            }
            else if (!c.busy() && idleNs > 0 && quiet > idleNs)
            {
                counters.idleClosed.incrementAndGet();
                c.closeReason = null;
                close(c);
            }
        }
    }

    private void close(final TransferConnection c)
    {
        if (!open.remove(c))
        {
            return;
        }
        counters.connections.decrementAndGet();
        closeQuietly(c.channel);
        if (c.closeReason != null)
        {
            LOG.log(System.Logger.Level.WARNING, "transfer connection closed: " + c.closeReason);
            closeListener.accept(c.closeReason);
        }
    }

    private void closeHandedOver()
    {
        SocketChannel ch;
        while ((ch = handedOver.poll()) != null)
        {
            counters.connections.decrementAndGet();
            closeQuietly(ch);
        }
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

    private void tellFailure(final Throwable e)
    {
        final Consumer<Throwable> listener = failureListener;
        if (listener != null)
        {
            listener.accept(e);
        }
    }

    /** Told (on this loop's thread, once) the error that stopped it. */
    void onFailure(final Consumer<Throwable> listener)
    {
        failureListener = listener;
    }

    /** The error that stopped this loop's thread, or null while it serves. */
    Throwable failure()
    {
        return failure;
    }

    /** Stops the loop; it closes its connections on the way out. */
    void stop()
    {
        closed = true;
        selector.wakeup();
    }
}
