package dev.kvtier.live.runtime;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.model.transfer.TransferSlice;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The live side of {@code NodeContext.expose} and {@code transfer}, shared by a runtime's nodes. A node's thread
 * only checks and groups a batch and hands it on: directory lookups and publishes (HTTP to the metadata service)
 * run on this class's directory threads, bytes move on the engine's transfer threads, and the one completion per
 * batch goes back to the node through its ring. The batch semantics are the simulator's: slices are grouped per
 * segment (one pipelined batch per peer), a slice outside its local region is not sent and fails the batch
 * {@code OUT_OF_RANGE}, an unknown segment fails it {@code PEER_DEAD}, and the batch ends {@code OK} only if every
 * group did, otherwise with the failure of the earliest failing slice.
 */
final class LiveTransfers implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(LiveTransfers.class.getName());

    private final TransferEngine engine;
    private final EndpointDirectory directory;
    private final ExecutorService directoryThreads = Executors.newFixedThreadPool(2, r ->
    {
        final Thread t = new Thread(r, "kvtier-transfer-directory");
        t.setDaemon(true);
        return t;
    });
    /** How often exposed segments are checked against the directory and published again if it lost them. */
    static final long REPUBLISH_CHECK_MS = 1000;

    private final java.util.concurrent.ScheduledExecutorService keeper =
        Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "kvtier-directory-keeper");
            t.setDaemon(true);
            return t;
        });
    private final java.util.concurrent.atomic.AtomicBoolean keeping = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong republished = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, CompletableFuture<SegmentEndpoint>> exposed = new ConcurrentHashMap<>();
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    LiveTransfers(final TransferEngine engine, final EndpointDirectory directory)
    {
        this.engine = engine;
        this.directory = directory;
    }

    /** Hands a node's region to the engine (an RDMA engine maps it), on the node's thread. */
    void register(final MemoryRegion region)
    {
        engine.register(region);
    }

    /** Registers the segment with the engine (on the calling node thread) and publishes it on a directory thread. */
    void expose(final String segment, final MemoryRegion region, final long base)
    {
        if (!claimed.add(segment))
        {
            throw new IllegalArgumentException("segment " + segment + " is already exposed by this runtime");
        }
        // a refusal stays visible to waiters until the segment is exposed again
        final CompletableFuture<SegmentEndpoint> published = exposed.compute(segment,
            (k, f) -> f == null || f.isDone() ? new CompletableFuture<>() : f);
        final SegmentEndpoint endpoint;
        try
        {
            endpoint = engine.expose(segment, region, base);
        }
        catch (final RuntimeException e)
        {
            claimed.remove(segment);
            published.completeExceptionally(e);
            throw e;
        }
        onDirectoryThread(() ->
        {
            try
            {
                directory.publish(endpoint);
                published.complete(endpoint);
                keepPublished();
            }
            catch (final IOException | RuntimeException e)
            {
                LOG.log(System.Logger.Level.WARNING, "cannot publish segment " + segment + ": " + e.getMessage());
                published.completeExceptionally(e);
            }
        }, () -> published.completeExceptionally(new IOException("runtime closed")));
    }

    /**
     * Starts (once) the periodic check that publishes every exposed segment again when the directory lost it: a
     * restarted master's embedded metadata service starts empty, and without this every transfer to the segment
     * would fail "not published" until the store process was restarted.
     */
    private void keepPublished()
    {
        if (!keeping.compareAndSet(false, true))
        {
            return;
        }
        keeper.scheduleWithFixedDelay(() ->
        {
            for (final CompletableFuture<SegmentEndpoint> f : exposed.values())
            {
                if (!f.isDone() || f.isCompletedExceptionally())
                {
                    continue;
                }
                final SegmentEndpoint e = f.join();
                try
                {
                    if (directory.republishIfMissing(e))
                    {
                        republished.incrementAndGet();
                        LOG.log(System.Logger.Level.WARNING, "segment " + e.segment() + " was missing from the "
                            + "directory (restarted?); published it again");
                    }
                }
                catch (final IOException | RuntimeException x)
                {
                    // the directory is down: the next check tries again
                }
            }
        }, REPUBLISH_CHECK_MS, REPUBLISH_CHECK_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** How many times an exposed segment was published again after the directory lost it. */
    long republished()
    {
        return republished.get();
    }

    /**
     * Completes with the endpoint once a node of this runtime has exposed and published {@code segment}, or
     * exceptionally if the engine refused it or publishing failed; may be asked for before the node exposes it.
     */
    CompletableFuture<SegmentEndpoint> exposed(final String segment)
    {
        return exposed.computeIfAbsent(segment, s -> new CompletableFuture<>());
    }

    /** Starts {@code batch} (called on the node's thread); {@code done} runs once, possibly on this thread. */
    void start(final TransferBatch batch, final IntFunction<MemoryRegion> regions,
        final TransferCompletion done)
    {
        final Map<String, Integer> groupOf = new LinkedHashMap<>();
        final List<List<TransferSlice>> groups = new ArrayList<>();
        final List<Integer> firstSlice = new ArrayList<>();
        int localFailure = Integer.MAX_VALUE;
        for (int i = 0; i < batch.size(); i++)
        {
            final MemoryRegion local = regions.apply(batch.localRegion(i));
            if (local == null || !local.contains(batch.localOffset(i), batch.length(i)))
            {
                localFailure = Math.min(localFailure, i);
                continue;
            }
            final int index = i;
            final int g = groupOf.computeIfAbsent(batch.segment(i), s ->
            {
                groups.add(new ArrayList<>());
                firstSlice.add(index);
                return groups.size() - 1;
            });
            groups.get(g).add(new TransferSlice(batch.isWrite(i), batch.remoteAddress(i), local,
                batch.localOffset(i), batch.length(i)));
        }
        final Pending pending = new Pending(List.copyOf(groupOf.keySet()), firstSlice, localFailure, done);
        if (groups.isEmpty())
        {
            pending.finish();
            return;
        }
        int g = 0;
        for (final String segment : groupOf.keySet())
        {
            submit(pending, g, segment, groups.get(g));
            g++;
        }
    }

    private void submit(final Pending pending, final int g, final String segment, final List<TransferSlice> slices)
    {
        final SegmentEndpoint known = directory.cached(segment);
        if (known != null)
        {
            engine.submit(known, slices, status -> pending.groupDone(g, status));
            return;
        }
        onDirectoryThread(() ->
        {
            final SegmentEndpoint endpoint;
            try
            {
                endpoint = directory.lookup(segment);
            }
            catch (final IOException | RuntimeException e)
            {
                LOG.log(System.Logger.Level.WARNING, "segment " + segment + " not found: " + e.getMessage());
                pending.groupDone(g, TransferStatus.PEER_DEAD);
                return;
            }
            engine.submit(endpoint, slices, status -> pending.groupDone(g, status));
        }, () -> pending.groupDone(g, TransferStatus.PEER_DEAD));
    }

    private void onDirectoryThread(final Runnable task, final Runnable ifClosed)
    {
        try
        {
            directoryThreads.execute(task);
        }
        catch (final RejectedExecutionException e)
        {
            ifClosed.run();
        }
    }

    /** One batch in flight: the status of each group, and the count of groups still running. */
    private final class Pending
    {
        private final List<String> segments;
        private final List<Integer> firstSlice;
        private final TransferStatus[] status;
        private final int localFailure;
        private final TransferCompletion done;
        private final AtomicInteger left;

        Pending(final List<String> segments, final List<Integer> firstSlice, final int localFailure,
            final TransferCompletion done)
        {
            this.segments = segments;
            this.firstSlice = firstSlice;
            this.status = new TransferStatus[segments.size()];
            this.localFailure = localFailure;
            this.done = done;
            this.left = new AtomicInteger(segments.size());
        }

        void groupDone(final int g, final TransferStatus s)
        {
            status[g] = s;
            if (s == TransferStatus.PEER_DEAD)
            {
                directory.invalidate(segments.get(g));
            }
            if (left.decrementAndGet() == 0)
            {
                finish();
            }
        }

        /** The earliest failing slice decides: a local range at its index, a group's failure at its first slice. */
        void finish()
        {
            int earliest = localFailure;
            TransferStatus result = localFailure == Integer.MAX_VALUE ? TransferStatus.OK : TransferStatus.OUT_OF_RANGE;
            for (int g = 0; g < status.length; g++)
            {
                if (!status[g].ok() && firstSlice.get(g) < earliest)
                {
                    earliest = firstSlice.get(g);
                    result = status[g];
                }
            }
            done.completed(result);
        }
    }

    /** Withdraws every exposed segment, then closes the engine (batches in flight end with a status). */
    @Override
    public void close()
    {
        keeper.shutdownNow();
        for (final CompletableFuture<SegmentEndpoint> f : exposed.values())
        {
            final SegmentEndpoint e = f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
            if (e != null)
            {
                directory.withdraw(e.segment());
                engine.withdraw(e);
            }
        }
        directoryThreads.shutdownNow();
        engine.close();
    }
}
