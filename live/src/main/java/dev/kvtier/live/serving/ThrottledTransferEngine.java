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
 * in submission order, one cap for writes and one for reads (full duplex, as a NIC and the simulator's links).
 * Bytes still move on the real engine; only the completion waits. Peers' transfers into this
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
    private long writeFreeAtNs;
    private long readFreeAtNs;

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
        long written = 0;
        long read = 0;
        for (final TransferSlice s : slices)
        {
            if (s.write())
            {
                written += s.length();
            }
            else
            {
                read += s.length();
            }
        }
        final long now = System.nanoTime();
        final long readyAt;
        synchronized (this)
        {
            // full duplex, as a NIC and the simulator's links are: writes and reads each have the cap
            long done = now;
            if (written > 0)
            {
                writeFreeAtNs = Math.max(now, writeFreeAtNs) + (bytesPerNs > 0 ? (long)(written / bytesPerNs) : 0);
                done = Math.max(done, writeFreeAtNs);
            }
            if (read > 0)
            {
                readFreeAtNs = Math.max(now, readFreeAtNs) + (bytesPerNs > 0 ? (long)(read / bytesPerNs) : 0);
                done = Math.max(done, readFreeAtNs);
            }
            readyAt = done + latencyNs;
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
