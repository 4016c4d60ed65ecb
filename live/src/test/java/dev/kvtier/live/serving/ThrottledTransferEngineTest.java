package dev.kvtier.live.serving;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.SegmentEndpoint;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.model.transfer.TransferEngine;
import dev.kvtier.model.transfer.TransferSlice;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live throttle times transfers with the simulator's link model: concurrent transfers to a peer share a link
 * (each ends no sooner than their bytes together over the cap, where a queue would end the first after its own),
 * reads and writes have a link each, and the worker's own segment is a local copy. Only lower bounds on time are
 * asserted (a loaded machine makes everything later, never earlier); upper ones are the hang guard.
 */
class ThrottledTransferEngineTest
{
    private static final long HANG_GUARD_S = 60;
    private static final int BYTES = 100_000;
    /** 1 MB/s: {@link #BYTES} take 100 ms alone. */
    private static final double CAP = 1e6;

    @Test
    void concurrentTransfersToAPeerShareItsLinkAndTheOwnSegmentIsALocalCopy() throws Exception
    {
        try (ThrottledTransferEngine engine = new ThrottledTransferEngine(new InstantEngine(), 0, CAP))
        {
            final SegmentEndpoint own = engine.expose("own", MemoryRegion.virtual(BYTES), 0);
            final SegmentEndpoint peer = new SegmentEndpoint("peer", "fake", "peer-host", 2, 0, BYTES);
            final long start = System.nanoTime();
            final CompletableFuture<Long> a = timed(engine, peer, false, start);
            final CompletableFuture<Long> b = timed(engine, peer, false, start);
            final long bSubmitted = System.nanoTime() - start;
            final CompletableFuture<Long> local = timed(engine, own, false, start);
            final long writeSubmitted = System.nanoTime() - start;
            final CompletableFuture<Long> write = timed(engine, peer, true, start);
            assertThat(local.get(HANG_GUARD_S, TimeUnit.SECONDS)).as("own segment: done").isPositive();
            // two reads of 100 KB at 1 MB/s on one link: the link is never idle, so the last ends 200 ms after the
            // first started; the first, alone until the second started, ends 200 ms minus that head start after it
            // (a queue would end it after 100 ms)
            assertThat(b.get(HANG_GUARD_S, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(ms(199));
            assertThat(a.get(HANG_GUARD_S, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(ms(199) - bSubmitted);
            // the write has the other direction's link to itself
            assertThat(write.get(HANG_GUARD_S, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(writeSubmitted + ms(99));
        }
    }

    @Test
    void theAddedLatencyEndsEveryBatchTheOwnSegmentsToo() throws Exception
    {
        try (ThrottledTransferEngine engine = new ThrottledTransferEngine(new InstantEngine(), 50, 0))
        {
            final SegmentEndpoint own = engine.expose("own", MemoryRegion.virtual(BYTES), 0);
            final long start = System.nanoTime();
            assertThat(timed(engine, own, true, start).get(HANG_GUARD_S, TimeUnit.SECONDS))
                .isGreaterThanOrEqualTo(ms(49));
        }
    }

    @Test
    void aBatchThatReadsAndWritesEndsOnceBothFlowsHaveWaitedTheirLatency() throws Exception
    {
        // one batch, a read and a write flow of equal size on the two links: both end in the model together, and
        // each waits the added latency before its part of the batch is done
        try (ThrottledTransferEngine engine = new ThrottledTransferEngine(new InstantEngine(), 50, CAP))
        {
            final SegmentEndpoint peer = new SegmentEndpoint("peer", "fake", "peer-host", 2, 0, BYTES);
            final long start = System.nanoTime();
            final CompletableFuture<Long> done = new CompletableFuture<>();
            engine.submit(peer, List.of(new TransferSlice(false, 0, MemoryRegion.virtual(BYTES), 0, BYTES),
                new TransferSlice(true, 0, MemoryRegion.virtual(BYTES), 0, BYTES)), status ->
                {
                    if (status.ok())
                    {
                        done.complete(System.nanoTime() - start);
                    }
                    else
                    {
                        done.completeExceptionally(new AssertionError(status));
                    }
                });
            assertThat(done.get(HANG_GUARD_S, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(ms(149));
        }
    }

    private static long ms(final long ms)
    {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** Submits one slice of {@link #BYTES}; completes with the ns from {@code start} to its end. */
    private static CompletableFuture<Long> timed(final TransferEngine engine, final SegmentEndpoint to,
        final boolean write, final long start)
    {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        engine.submit(to, List.of(new TransferSlice(write, 0, MemoryRegion.virtual(BYTES), 0, BYTES)), status ->
        {
            if (status.ok())
            {
                done.complete(System.nanoTime() - start);
            }
            else
            {
                done.completeExceptionally(new AssertionError(status));
            }
        });
        return done;
    }

    /** A data plane whose every batch ends at once, on the submitting thread. */
    private static final class InstantEngine implements TransferEngine
    {
        @Override
        public String protocol()
        {
            return "fake";
        }

        @Override
        public SegmentEndpoint expose(final String segment, final MemoryRegion region, final long baseAddress)
        {
            return new SegmentEndpoint(segment, "fake", "own-host", 1, baseAddress, region.length());
        }

        @Override
        public void withdraw(final SegmentEndpoint endpoint)
        {
        }

        @Override
        public void submit(final SegmentEndpoint peer, final List<TransferSlice> slices,
            final TransferCompletion completion)
        {
            completion.completed(TransferStatus.OK);
        }

        @Override
        public void close()
        {
        }
    }
}
