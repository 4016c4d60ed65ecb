package dev.kvtier.live.client;

import dev.kvtier.model.store.ClientStatus;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterReply;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.Segment;

import java.util.List;
import java.util.function.Supplier;

/**
 * A client's liveness at the master, as the reference client keeps it: a ping every second; on
 * {@code NEED_REMOUNT} (a fresh mount, or a master that restarted and forgot the client) every own segment is
 * remounted; after three failed pings in a row the connection is replaced.
 */
final class Heartbeat implements AutoCloseable
{
    static final long PERIOD_MS = 1000;
    private static final int FAILURES_BEFORE_RECONNECT = 3;
    private static final int PING_TIMEOUT_MS = 5000;
    private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());

    private final MasterLink master;
    private final long clientId;
    private final Supplier<List<Segment>> segments;
    private final Thread thread;
    private volatile boolean closed;

    Heartbeat(final MasterLink master, final long clientId, final Supplier<List<Segment>> segments)
    {
        this.master = master;
        this.clientId = clientId;
        this.segments = segments;
        this.thread = new Thread(this::run, "kvtier-store-heartbeat");
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /** One ping, and the remount it may ask for; throws when the master is unreachable or refuses. */
    void pingOnce()
    {
        final MasterReply r = master.call(id -> new MasterRequest.Ping(id, clientId), PING_TIMEOUT_MS);
        if (r.value() == ClientStatus.NEED_REMOUNT)
        {
            final List<Segment> mine = segments.get();
            final MasterReply remount = master.call(id -> new MasterRequest.ReMountSegment(id, mine, clientId),
                PING_TIMEOUT_MS);
            if (remount.error() != ErrorCode.OK)
            {
                throw new IllegalStateException("ReMountSegment failed: " + remount.error());
            }
        }
    }

    private void run()
    {
        int failures = 0;
        while (!closed)
        {
            try
            {
                Thread.sleep(PERIOD_MS);
                pingOnce();
                failures = 0;
            }
            catch (final InterruptedException e)
            {
                return;
            }
            catch (final RuntimeException e)
            {
                if (closed)
                {
                    return;
                }
                failures++;
                LOG.log(System.Logger.Level.WARNING, "ping failed (" + failures + "): " + e.getMessage());
                if (failures >= FAILURES_BEFORE_RECONNECT)
                {
                    master.reconnect();
                    failures = 0;
                }
            }
        }
    }

    @Override
    public void close()
    {
        closed = true;
        thread.interrupt();
    }
}
