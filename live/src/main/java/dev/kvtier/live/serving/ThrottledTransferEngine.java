package dev.kvtier.live.serving;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.model.transfer.TransferSlice;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A worker's L3 data plane made slower on purpose, for experiments on prefetch policies against a slow store
 * ({@code --storage-latency-ms}, {@code --storage-bandwidth}): every batch this worker submits completes no sooner
 * than the added latency plus its bytes over the bandwidth cap after it was submitted, with batches sharing the cap
 * in submission order. Bytes still move on the real engine; only the completion waits. Peers' transfers into this
 * worker's own segment are not slowed.
 */
final class ThrottledTransferEngine implements TransferEngine
{
    private final TransferEngine engine;
    private final long latencyNs;
    private final double bytesPerNs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "kvtier-storage-throttle");
        t.setDaemon(true);
        return t;
    });
    private long linkFreeAtNs;

    /**
     * @param latencyMs      added to every batch
     * @param bytesPerSecond the cap, 0 for none
     */
    ThrottledTransferEngine(final TransferEngine engine, final double latencyMs, final double bytesPerSecond)
    {
        this.engine = engine;
        this.latencyNs = (long)(latencyMs * 1e6);
        this.bytesPerNs = bytesPerSecond / 1e9;
    }

    @Override
    public String protocol()
    {
        return engine.protocol();
    }

    @Override
    public SegmentEndpoint expose(final String segment, final MemoryRegion region, final long baseAddress)
    {
        return engine.expose(segment, region, baseAddress);
    }

    @Override
    public void withdraw(final SegmentEndpoint endpoint)
    {
        engine.withdraw(endpoint);
    }

    @Override
    public void submit(final SegmentEndpoint peer, final List<TransferSlice> slices,
        final TransferCompletion completion)
    {
        long bytes = 0;
        for (final TransferSlice s : slices)
        {
            bytes += s.length();
        }
        final long now = System.nanoTime();
        final long readyAt;
        synchronized (this)
        {
            final long start = Math.max(now, linkFreeAtNs);
            linkFreeAtNs = bytesPerNs > 0 ? start + (long)(bytes / bytesPerNs) : start;
            readyAt = linkFreeAtNs + latencyNs;
        }
        engine.submit(peer, slices, status ->
        {
            final long wait = readyAt - System.nanoTime();
            if (wait <= 0)
            {
                completion.completed(status);
            }
            else
            {
                timer.schedule(() -> completion.completed(status), wait, TimeUnit.NANOSECONDS);
            }
        });
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        engine.close();
    }
}
