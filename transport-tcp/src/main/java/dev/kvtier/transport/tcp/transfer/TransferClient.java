package dev.kvtier.transport.tcp.transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The initiator side of the data plane: a pool of at most {@code lanesPerPeer} persistent lanes per peer
 * ({@code MC_TCP_LANES_PER_PEER}, default 4), reused across requests instead of a socket per request. A watchdog
 * sweeps the busy lanes and closes any whose batch has run past the status timeout ({@code
 * MC_TCP_STATUS_TIMEOUT_SEC}, 30 s), so a hung peer turns into a clean error; marking a lane busy costs two
 * volatile writes, not a scheduled task per batch.
 */
public final class TransferClient implements AutoCloseable
{
    private final int lanesPerPeer;
    private final long timeoutMs;
    private final Map<InetSocketAddress, Pool> pools = new ConcurrentHashMap<>();
    private final java.util.Set<TransferLane> busy = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "kvtier-transfer-watchdog");
        t.setDaemon(true);
        return t;
    });

    private static final class Pool
    {
        final ArrayBlockingQueue<TransferLane> idle;
        final AtomicInteger created = new AtomicInteger();

        Pool(final int lanes)
        {
            idle = new ArrayBlockingQueue<>(lanes);
        }
    }

    public TransferClient(final int lanesPerPeer, final long timeoutMs)
    {
        if (lanesPerPeer < 1 || lanesPerPeer > 16)
        {
            throw new IllegalArgumentException("MC_TCP_LANES_PER_PEER must be in [1, 16], got " + lanesPerPeer);
        }
        this.lanesPerPeer = lanesPerPeer;
        this.timeoutMs = timeoutMs;
        final long period = Math.max(10, Math.min(100, timeoutMs / 4));
        watchdog.scheduleWithFixedDelay(this::abortOverdue, period, period, TimeUnit.MILLISECONDS);
    }

    /** One sweep of the watchdog: lanes busy for longer than the timeout are closed, failing their batch. */
    private void abortOverdue()
    {
        final long now = System.nanoTime();
        for (final TransferLane lane : busy)
        {
            final long since = lane.busySinceNs();
            if (since != 0 && now - since > timeoutMs * 1_000_000L)
            {
                lane.abort("no answer within " + timeoutMs + " ms");
            }
        }
    }

    /** Runs a pipelined batch against {@code peer}; see {@link TransferLane#run}. */
    public int[] run(final InetSocketAddress peer, final List<TransferOp> ops)
    {
        if (ops.isEmpty())
        {
            return new int[0];
        }
        final Pool pool = pools.computeIfAbsent(peer, p -> new Pool(lanesPerPeer));
        final TransferLane lane = acquire(peer, pool);
        lane.markBusy(System.nanoTime());
        busy.add(lane);
        boolean ok = false;
        try
        {
            final int[] codes = lane.run(ops);
            ok = true;
            return codes;
        }
        finally
        {
            lane.markBusy(0);
            busy.remove(lane);
            if (ok && lane.isOpen())
            {
                pool.idle.offer(lane);
            }
            else
            {
                lane.close();
                pool.created.decrementAndGet();
            }
        }
    }

    private TransferLane acquire(final InetSocketAddress peer, final Pool pool)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final TransferLane idle = pool.idle.poll();
            if (idle != null)
            {
                return idle;
            }
            if (pool.created.incrementAndGet() <= lanesPerPeer)
            {
                try
                {
                    return new TransferLane(peer);
                }
                catch (final IOException e)
                {
                    pool.created.decrementAndGet();
                    throw new TransferException("cannot connect to transfer peer " + peer + ": " + e.getMessage(),
                        e);
                }
            }
            pool.created.decrementAndGet();
            try
            {
                final TransferLane lane = pool.idle.poll(20, TimeUnit.MILLISECONDS);
                if (lane != null)
                {
                    return lane;
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new TransferException("interrupted waiting for a lane to " + peer);
            }
            if (System.nanoTime() > deadline)
            {
                throw new TransferException("no free lane to " + peer + " within " + timeoutMs + " ms", null, true);
            }
        }
    }

    /** Drops the idle lanes to a peer (e.g. after it died), so the next batch reconnects. */
    public void forget(final InetSocketAddress peer)
    {
        final Pool pool = pools.remove(peer);
        if (pool != null)
        {
            TransferLane lane;
            while ((lane = pool.idle.poll()) != null)
            {
                lane.close();
            }
        }
    }

    @Override
    public void close()
    {
        watchdog.shutdownNow();
        for (final InetSocketAddress peer : List.copyOf(pools.keySet()))
        {
            forget(peer);
        }
    }
}
