package dev.kvtier.live.runtime;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferRequest;
import dev.kvtier.model.node.TransferStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Hosts one {@link Node} live: a Disruptor ring that I/O threads, the timer wheel and other nodes publish into,
 * drained by one {@link BatchEventProcessor} thread that is the only thread ever calling the node. That single
 * consumer is what lets the simulator's single-threaded node code run unchanged in a process with many threads.
 */
public final class NodeRunner implements NodeContext, EventHandler<NodeEvent>
{
    private static final System.Logger LOG = System.getLogger(NodeRunner.class.getName());
    private static final TransferStatus[] STATUSES = TransferStatus.values();

    private final NodeId self;
    private final Node node;
    private final LiveRuntime runtime;
    private final RingBuffer<NodeEvent> ring;
    private final BatchEventProcessor<NodeEvent> processor;
    private final RandomGenerator random;
    private final Map<Long, TimerWheel.Timeout> timers = new HashMap<>();
    private final List<MemoryRegion> regions = new ArrayList<>();
    /** Transfer ends the node's own thread produced (a batch that failed before leaving): delivered next. */
    private final ArrayDeque<long[]> ownTransferEnds = new ArrayDeque<>();
    private volatile Thread thread;

    NodeRunner(final NodeId self, final Node node, final LiveRuntime runtime, final int ringSize, final long seed)
    {
        this.self = self;
        this.node = node;
        this.runtime = runtime;
        this.ring = RingBuffer.createMultiProducer(NodeEvent::new, ringSize, PhasedBackoffWaitStrategy.withLiteLock(2, 50, java.util.concurrent.TimeUnit.MICROSECONDS));
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), this);
        ring.addGatingSequences(processor.getSequence());
        this.random = new SplittableRandom(seed ^ self.name().hashCode());
    }

    void start()
    {
        thread = new Thread(processor, "kvtier-node-" + self.name());
        thread.setDaemon(true);
        thread.start();
        submit(() -> node.onStart(this));
    }

    void halt()
    {
        processor.halt();
        if (thread != null)
        {
            try
            {
                thread.join(2000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Delivers a message from {@code from}; {@code deadlineNs} (System.nanoTime, 0 = none) drops it if late. */
    public void deliver(final NodeId from, final Message message, final long deadlineNs)
    {
        final long seq = ring.next();
        final NodeEvent e = ring.get(seq);
        e.kind = NodeEvent.MESSAGE;
        e.from = from;
        e.message = message;
        e.deadlineNs = deadlineNs;
        ring.publish(seq);
    }

    /** Runs {@code task} on the node's thread, after everything published before it. */
    public void submit(final Runnable task)
    {
        final long seq = ring.next();
        final NodeEvent e = ring.get(seq);
        e.kind = NodeEvent.TASK;
        e.task = task;
        ring.publish(seq);
    }

    /** Evaluates {@code query} on the node's thread (admin endpoints read node state this way, never directly). */
    public <T> CompletableFuture<T> query(final Supplier<T> query)
    {
        final CompletableFuture<T> f = new CompletableFuture<>();
        submit(() ->
        {
            try
            {
                f.complete(query.get());
            }
            catch (final RuntimeException ex)
            {
                f.completeExceptionally(ex);
            }
        });
        return f;
    }

    /** A transfer batch ended: queued as the node's next input, never delivered inside the call that started it. */
    private void transferDone(final long tag, final TransferStatus status)
    {
        if (Thread.currentThread() == thread)
        {
            ownTransferEnds.add(new long[] {tag, status.ordinal()});
            return;
        }
        final long seq = ring.next();
        final NodeEvent e = ring.get(seq);
        e.kind = NodeEvent.TRANSFER_DONE;
        e.id = tag;
        e.status = status;
        ring.publish(seq);
    }

    private void fire(final long timerId, final TimerWheel.Timeout timeout)
    {
        final long seq = ring.next();
        final NodeEvent e = ring.get(seq);
        e.kind = NodeEvent.TIMER;
        e.id = timerId;
        e.timeoutRef = timeout;
        ring.publish(seq);
    }

    @Override
    public void onEvent(final NodeEvent e, final long sequence, final boolean endOfBatch)
    {
        try
        {
            switch (e.kind)
            {
                case NodeEvent.MESSAGE ->
                {
                    if (e.deadlineNs != 0 && System.nanoTime() > e.deadlineNs)
                    {
                        runtime.remote().expired(e.from, e.message);
                    }
                    else
                    {
                        node.onMessage(e.from, e.message);
                    }
                }
                case NodeEvent.TIMER ->
                {
                    final TimerWheel.Timeout current = timers.get(e.id);
                    if (current != null && current == e.timeoutRef)
                    {
                        timers.remove(e.id);
                        node.onTimer(e.id);
                    }
                }
                case NodeEvent.TRANSFER_DONE -> node.onTransferDone(e.id, e.status);
                case NodeEvent.TASK -> e.task.run();
                default -> throw new IllegalStateException("unknown event kind " + e.kind);
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "node " + self + " failed on an event: " + ex, ex);
        }
        finally
        {
            e.clear();
        }
        long[] own;
        while ((own = ownTransferEnds.poll()) != null)
        {
            try
            {
                node.onTransferDone(own[0], STATUSES[(int)own[1]]);
            }
            catch (final RuntimeException ex)
            {
                LOG.log(System.Logger.Level.ERROR, "node " + self + " failed on a transfer end: " + ex, ex);
            }
        }
    }

    // ---- NodeContext, called on the node's own thread ----

    @Override
    public NodeId self()
    {
        return self;
    }

    @Override
    public long now()
    {
        return System.nanoTime() - runtime.startNs();
    }

    @Override
    public void schedule(final long delayNs, final long timerId)
    {
        final TimerWheel.Timeout old = timers.get(timerId);
        if (old != null)
        {
            old.cancelled = true;
        }
        final TimerWheel.Timeout[] holder = new TimerWheel.Timeout[1];
        holder[0] = runtime.wheel().schedule(delayNs, () -> fire(timerId, holder[0]));
        timers.put(timerId, holder[0]);
    }

    @Override
    public void cancel(final long timerId)
    {
        final TimerWheel.Timeout old = timers.remove(timerId);
        if (old != null)
        {
            old.cancelled = true;
        }
    }

    @Override
    public void send(final NodeId to, final Message message)
    {
        runtime.route(self, to, message);
    }

    /**
     * Live regions must have bytes (a buffer, or mapped memory a node exposes as a segment): there is no cost model
     * to charge a virtual one to.
     */
    @Override
    public int register(final MemoryRegion region)
    {
        if (region.buffer() == null && region.address() <= 0)
        {
            throw new IllegalArgumentException("a live region needs a buffer; virtual regions are for the simulator");
        }
        regions.add(region);
        return regions.size() - 1;
    }

    /**
     * Registers the region with the runtime's engine at once and publishes it on a directory thread; see
     * {@link LiveRuntime#exposed} to wait for the publication.
     */
    @Override
    public void expose(final String segment, final int region, final long baseAddress)
    {
        final MemoryRegion r = region(region);
        if (r == null)
        {
            throw new IllegalArgumentException("expose " + segment + ": no registered region " + region);
        }
        runtime.transfers().expose(segment, r, baseAddress);
    }

    @Override
    public void transfer(final List<TransferRequest> batch, final long tag)
    {
        runtime.transfers().start(batch, this::region, status -> transferDone(tag, status));
    }

    private MemoryRegion region(final int handle)
    {
        return handle >= 0 && handle < regions.size() ? regions.get(handle) : null;
    }

    @Override
    public RandomGenerator random()
    {
        return random;
    }

    static long freshSeed()
    {
        return ThreadLocalRandom.current().nextLong();
    }
}
