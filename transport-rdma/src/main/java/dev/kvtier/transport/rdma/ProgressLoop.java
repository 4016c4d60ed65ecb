package dev.kvtier.transport.rdma;

import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.transport.rdma.ucp.EventWait;
import dev.kvtier.transport.rdma.ucp.UcpLayout;
import dev.kvtier.transport.rdma.ucp.UcpWorker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one thread that touches the UCP worker: it runs tasks handed to it (memory mapping, new batches), issues
 * batches' put/get while fewer than {@link #MAX_OPS} operations are in flight, progresses the worker (which also
 * serves peers' operations on this engine's memory, since UCX emulates one-sided operations with active messages
 * on transports without RDMA), releases finished requests and fails batches past their deadline. With nothing in
 * flight it sleeps on the worker's event fd, woken by {@code ucp_worker_signal} when work is handed in.
 */
final class ProgressLoop implements Runnable
{
    /** Operations in flight at most; more batches wait their turn in arrival order. */
    static final int MAX_OPS = 4096;
    private static final System.Logger LOG = System.getLogger(ProgressLoop.class.getName());
    private static final int IDLE_WAIT_MS = 100;
    private static final int SPINS_BEFORE_WAIT = 200;
    private static final long FAILED_PEER_HOLD_NANOS = 2_000_000_000L;

    private final UcpWorker worker;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<RdmaBatch> waiting = new ArrayDeque<>();
    private final List<RdmaBatch> inFlight = new ArrayList<>();
    private final Map<String, RemotePeer> peers = new HashMap<>();
    /** Worker addresses whose endpoint failed, with when: batches to them fail at once for a while. */
    private final Map<String, Long> recentlyFailed = new HashMap<>();
    private final List<Long> closing = new ArrayList<>();
    private final EventWait wait;
    private volatile boolean stopped;
    private final boolean peerFailure;
    private int opsInFlight;

    /**
     * @param peerFailure whether to ask UCX for peer-failure detection (the transports in UCX_TLS support it)
     */
    ProgressLoop(final UcpWorker worker, final boolean peerFailure)
    {
        this.worker = worker;
        this.peerFailure = peerFailure;
        this.wait = new EventWait(worker.eventFd());
    }

    /** Hands a task to the progress thread and wakes it; the task may run before this returns. */
    void execute(final Runnable task)
    {
        tasks.add(task);
        worker.signal();
    }

    /** Queues a batch (on the progress thread). */
    void enqueue(final RdmaBatch batch)
    {
        if (stopped)
        {
            batch.fail(TransferStatus.PEER_DEAD);
            batch.finish();
            return;
        }
        waiting.add(batch);
    }

    void stop()
    {
        stopped = true;
        worker.signal();
    }

    @Override
    public void run()
    {
        int idle = 0;
        while (!stopped)
        {
            boolean busy = runTasks();
            busy |= issue();
            for (int i = 0; i < 64 && worker.progress(); i++)
            {
                busy = true;
            }
            busy |= failReported();
            busy |= reap(System.nanoTime());
            if (busy)
            {
                idle = 0;
                continue;
            }
            if (inFlight.isEmpty() && waiting.isEmpty() && closing.isEmpty())
            {
                if (worker.arm() && tasks.isEmpty())
                {
                    wait.await(IDLE_WAIT_MS);
                }
            }
            else if (++idle > SPINS_BEFORE_WAIT)
            {
                // operations in flight but nothing moving (a slow or dead peer): sleep in the kernel until an event
                if (worker.arm() && tasks.isEmpty())
                {
                    wait.await(1);
                }
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        shutdown();
    }

    private boolean runTasks()
    {
        boolean ran = false;
        for (Runnable t = tasks.poll(); t != null; t = tasks.poll())
        {
            ran = true;
            try
            {
                t.run();
            }
            catch (final RuntimeException e)
            {
                LOG.log(System.Logger.Level.ERROR, "rdma engine task failed", e);
            }
        }
        return ran;
    }

    private boolean issue()
    {
        boolean issuedAny = false;
        while (!waiting.isEmpty() && (opsInFlight == 0 || opsInFlight + waiting.peek().slices() <= MAX_OPS))
        {
            final RdmaBatch b = waiting.poll();
            issuedAny = true;
            final Long failedAt = recentlyFailed.get(b.peerAddress);
            if (failedAt != null && System.nanoTime() - failedAt < FAILED_PEER_HOLD_NANOS)
            {
                // the peer's endpoint just failed: its engine is gone or cut off, so do not dial it per batch
                b.fail(TransferStatus.PEER_DEAD);
                b.finish();
                continue;
            }
            final RemotePeer p;
            try
            {
                p = peer(b.peerAddress);
            }
            catch (final RuntimeException e)
            {
                LOG.log(System.Logger.Level.WARNING, "segment " + b.segment + ": " + e.getMessage());
                b.fail(TransferStatus.PEER_DEAD);
                b.finish();
                continue;
            }
            if (p == null)
            {
                recentlyFailed.put(b.peerAddress, System.nanoTime());
                LOG.log(System.Logger.Level.WARNING, "segment " + b.segment + ": UCX cannot reach its engine over "
                    + "the transports in UCX_TLS");
                b.fail(TransferStatus.PEER_DEAD);
                b.finish();
                continue;
            }
            opsInFlight += b.slices();
            inFlight.add(b);
            final boolean ok;
            try
            {
                ok = b.issue(worker, p);
            }
            catch (final RuntimeException e)
            {
                LOG.log(System.Logger.Level.WARNING, "segment " + b.segment + ": " + e.getMessage());
                b.fail(TransferStatus.PEER_DEAD);
                failPeer(p, b.failure());
                continue;
            }
            if (!ok)
            {
                failPeer(p, b.failure());
            }
        }
        return issuedAny;
    }

    /** Closes the peers whose endpoint UCX reported failed; true if there were any. */
    private boolean failReported()
    {
        final long[] eps = worker.failedEndpoints();
        for (final long ep : eps)
        {
            for (final RemotePeer p : List.copyOf(peers.values()))
            {
                if (p.endpoint() == ep)
                {
                    LOG.log(System.Logger.Level.WARNING, "the UCX endpoint to a peer engine failed; closing it");
                    failPeer(p, TransferStatus.PEER_DEAD);
                }
            }
        }
        return eps.length > 0;
    }

    /** Releases finished requests and batches, and fails those past their deadline; true if any batch ended. */
    private boolean reap(final long now)
    {
        boolean ended = false;
        for (int i = 0; i < inFlight.size(); i++)
        {
            final RdmaBatch b = inFlight.get(i);
            if (b.poll())
            {
                ended = true;
                if (b.failure() != null)
                {
                    failPeer(b.peer(), b.failure());
                    i = -1; // failPeer removed batches: start over
                    continue;
                }
                inFlight.remove(i--);
                opsInFlight -= b.slices();
                b.finish();
            }
            else if (now - b.deadlineNanos > 0)
            {
                ended = true;
                LOG.log(System.Logger.Level.WARNING, "segment " + b.segment + ": no completion within the deadline; "
                    + "closing the endpoint to its engine");
                b.fail(TransferStatus.DEADLINE);
                failPeer(b.peer(), TransferStatus.DEADLINE);
                i = -1;
            }
        }
        for (final Iterator<Long> it = closing.iterator(); it.hasNext(); )
        {
            final long r = it.next();
            if (UcpWorker.requestStatus(r) != UcpLayout.UCS_INPROGRESS)
            {
                UcpWorker.free(r);
                it.remove();
            }
        }
        return ended;
    }

    /**
     * Force-closes the endpoint to a failed peer (its outstanding requests complete cancelled, so no late bytes),
     * then ends every batch on it: the ones whose own deadline passed with {@code DEADLINE}, the others with
     * {@code status}, or {@code PEER_DEAD}.
     */
    private void failPeer(final RemotePeer p, final TransferStatus status)
    {
        peers.remove(p.address(), p);
        if (status == TransferStatus.PEER_DEAD)
        {
            final long now = System.nanoTime();
            recentlyFailed.values().removeIf(at -> now - at >= FAILED_PEER_HOLD_NANOS);
            recentlyFailed.put(p.address(), now);
        }
        final long close = p.close();
        final long now = System.nanoTime();
        for (int i = 0; i < inFlight.size(); i++)
        {
            final RdmaBatch b = inFlight.get(i);
            if (b.peer() == p)
            {
                inFlight.remove(i--);
                opsInFlight -= b.slices();
                b.fail(now - b.deadlineNanos > 0 ? TransferStatus.DEADLINE
                    : status == TransferStatus.DEADLINE ? TransferStatus.PEER_DEAD : status);
                b.finish();
            }
        }
        if (UcpLayout.isRequest(close))
        {
            closing.add(close);
        }
    }

    private RemotePeer peer(final String address)
    {
        RemotePeer p = peers.get(address);
        if (p != null)
        {
            return p;
        }
        p = RemotePeer.connect(worker, address, peerFailure);
        if (p == null && peerFailure)
        {
            // the transports UCX picked for this peer cannot detect its failure: the deadline will
            p = RemotePeer.connect(worker, address, false);
        }
        if (p != null)
        {
            peers.put(address, p);
        }
        return p;
    }

    /** Ends what is left with {@code PEER_DEAD}, closes endpoints and lets the worker finish their closing. */
    private void shutdown()
    {
        runTasks();
        for (final RdmaBatch b : waiting)
        {
            b.fail(TransferStatus.PEER_DEAD);
            b.finish();
        }
        waiting.clear();
        for (final RemotePeer p : List.copyOf(peers.values()))
        {
            failPeer(p, TransferStatus.PEER_DEAD);
        }
        final long until = System.nanoTime() + 1_000_000_000L;
        while (!closing.isEmpty() && System.nanoTime() - until < 0)
        {
            worker.progress();
            reap(System.nanoTime());
        }
    }
}
