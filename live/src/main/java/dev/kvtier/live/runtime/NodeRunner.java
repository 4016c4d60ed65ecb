package dev.kvtier.live.runtime;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.node.input.Start;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Hosts one {@link Node} live, as Agrona's {@code AgentRunner} hosts an agent: a Disruptor ring that I/O threads,
 * transfer threads and other nodes publish into, drained by one {@link BatchEventProcessor} thread that is the only
 * thread ever calling the node. That single consumer is what lets the simulator's single-threaded node code run
 * unchanged in a process with many threads. The same thread owns the node's timers and fires them after each batch
 * of ring events and whenever its wait reaches the next deadline, so a timer never crosses threads. The runner reads
 * the clock once per input it hands the node, and {@link #now()} is that reading for the whole input, so what a
 * node decides depends on one timestamp per input; every input passes {@link NodeInputs}, which copies it with
 * that timestamp to the runtime's tap, so the node can be recorded and replayed. An exception from the node is
 * counted ({@link #errors()}), passed to the runtime's {@link ErrorHandler}, and the next input is taken.
 */
public final class NodeRunner implements NodeContext, EventHandler<NodeEvent>
{
    /** Timers fired per poll before the ring gets a turn, so a node re-arming a zero delay cannot starve it. */
    private static final int TIMERS_PER_POLL = 64;
    private static final TransferStatus[] STATUSES = TransferStatus.values();

    private final NodeId self;
    private final Node node;
    private final long seed;
    private final LiveRuntime runtime;
    private final LongSupplier clock;
    private final RingBuffer<NodeEvent> ring;
    private final DeadlineWaitStrategy wait;
    private final BatchEventProcessor<NodeEvent> processor;
    private final RandomGenerator random;
    private final DeadlineTimers timers = new DeadlineTimers();
    private final List<MemoryRegion> regions = new ArrayList<>();
    /** Transfer ends the node's own thread produced (a batch that failed before leaving): delivered next. */
    private final ArrayDeque<long[]> ownTransferEnds = new ArrayDeque<>();
    private final AtomicLong errors = new AtomicLong();
    private volatile Thread thread;
    private NodeInputs inputs;
    private ErrorHandler errorHandler;
    private long eventNs;

    NodeRunner(final NodeId self, final Node node, final LiveRuntime runtime, final int ringSize, final long seed)
    {
        this.self = self;
        this.node = node;
        this.seed = seed;
        this.runtime = runtime;
        this.clock = runtime.clock();
        this.wait = new DeadlineWaitStrategy(clock);
        this.ring = RingBuffer.createMultiProducer(NodeEvent::new, ringSize, wait);
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), this);
        processor.setExceptionHandler(new RunnerExceptions());
        ring.addGatingSequences(processor.getSequence());
        this.random = Start.random(seed);
    }

    /** Starts the node's thread; the runtime's error handler and tap are read here, before it runs. */
    void start()
    {
        errorHandler = runtime.errorHandler();
        inputs = new NodeInputs(self, node, runtime.tap(), this::fail);
        thread = new Thread(processor, "kvtier-node-" + self.name());
        thread.setDaemon(true);
        thread.start();
        final long seq = ring.next();
        ring.get(seq).kind = NodeEvent.START;
        ring.publish(seq);
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

    /** Exceptions the node has thrown so far ({@code kvtier_node_errors_total}); readable from any thread. */
    public long errors()
    {
        return errors.get();
    }

    /** Delivers a message from {@code from}; {@code deadlineNs} (on the runtime's clock, 0 = none) drops it if late. */
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

    /** Runs {@code task} on the node's thread, after everything published before it; it must only read the node. */
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

    @Override
    public void onEvent(final NodeEvent e, final long sequence, final boolean endOfBatch)
    {
        eventNs = clock.getAsLong();
        try
        {
            switch (e.kind)
            {
                case NodeEvent.START -> inputs.start(now(), seed, this);
                case NodeEvent.MESSAGE ->
                {
                    if (e.deadlineNs != 0 && eventNs - e.deadlineNs > 0)
                    {
                        runtime.remote().expired(e.from, e.message);
                    }
                    else
                    {
                        inputs.message(now(), e.from, e.message);
                    }
                }
                case NodeEvent.TRANSFER_DONE -> inputs.transferDone(now(), e.id, e.status);
                case NodeEvent.TASK -> e.task.run();
                default -> throw new IllegalStateException("unknown event kind " + e.kind);
            }
        }
        catch (final Throwable t)
        {
            fail(t);
        }
        finally
        {
            e.clear();
        }
        deliverOwnTransferEnds();
        if (endOfBatch)
        {
            pollTimers();
        }
    }

    /** The ring stayed empty until the next timer deadline. */
    @Override
    public void onTimeout(final long sequence)
    {
        pollTimers();
    }

    private void deliverOwnTransferEnds()
    {
        long[] own;
        while ((own = ownTransferEnds.poll()) != null)
        {
            eventNs = clock.getAsLong();
            try
            {
                inputs.transferDone(now(), own[0], STATUSES[(int)own[1]]);
            }
            catch (final Throwable t)
            {
                fail(t);
            }
        }
    }

    /** Fires the timers that are due, each as its own input with its own clock reading, and re-arms the wait. */
    private void pollTimers()
    {
        for (int fired = 0; fired < TIMERS_PER_POLL; fired++)
        {
            final long t = clock.getAsLong();
            if (!timers.due(t))
            {
                break;
            }
            final long timerId = timers.pop();
            eventNs = t;
            try
            {
                inputs.timer(now(), timerId);
            }
            catch (final Throwable ex)
            {
                fail(ex);
            }
            deliverOwnTransferEnds();
        }
        wait.deadline(timers.nextDeadline());
    }

    private void fail(final Throwable t)
    {
        errors.incrementAndGet();
        try
        {
            errorHandler.onError(self, t);
        }
        catch (final Throwable inHandler)
        {
            ErrorHandler.LOG.onError(self, inHandler);
        }
    }

    /** What escapes the runner's own code (never the node's) is counted and handled the same way, not fatal. */
    private final class RunnerExceptions implements ExceptionHandler<NodeEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final NodeEvent event)
        {
            fail(ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            fail(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            fail(ex);
        }
    }

    // ---- NodeContext, called on the node's own thread ----

    @Override
    public NodeId self()
    {
        return self;
    }

    /** The clock reading taken when the runner took the current input, from the runtime's start. */
    @Override
    public long now()
    {
        return eventNs - runtime.startNs();
    }

    @Override
    public void schedule(final long delayNs, final long timerId)
    {
        onNodeThread("schedule");
        if (delayNs < 0)
        {
            throw new IllegalArgumentException("timer delay must be >= 0, got " + delayNs);
        }
        timers.schedule(timerId, eventNs + delayNs);
    }

    @Override
    public void cancel(final long timerId)
    {
        onNodeThread("cancel");
        timers.cancel(timerId);
    }

    private void onNodeThread(final String call)
    {
        if (Thread.currentThread() != thread)
        {
            throw new IllegalStateException(call + " must be called on node " + self + "'s thread, not "
                + Thread.currentThread().getName());
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
        runtime.prepare(region);
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
    public void transfer(final TransferBatch batch, final long tag)
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
}
