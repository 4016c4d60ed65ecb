package dev.kvtier.live.serving;

import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceOutcome;
import dev.kvtier.workloads.recorded.TraceRecorder;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends a worker's arrivals and outcomes to its recording on one thread of its own, so neither the HTTP threads
 * nor the worker's node thread take the recorder's lock or encode a document. Documents are appended in the order
 * they were offered (one FIFO queue): an arrival is offered before its request is delivered to the worker and its
 * outcome only after the worker finished it, so an arrival always precedes its outcome. The thread drains the queue,
 * then sleeps {@value #IDLE_MICROS} µs; a process that dies loses, beyond the recorder's own guarantee, only what was
 * offered in that last interval. {@link #close} appends everything offered before it, then closes the recorder.
 */
final class RecordingWriter implements AutoCloseable
{
    private static final long IDLE_MICROS = 500;

    private final TraceRecorder recorder;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    RecordingWriter(final TraceRecorder recorder)
    {
        this.recorder = recorder;
        this.thread = new Thread(this::run, "kvtier-recording");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void offer(final TraceArrival arrival)
    {
        queue.offer(arrival);
    }

    void offer(final TraceOutcome outcome)
    {
        queue.offer(outcome);
    }

    private void run()
    {
        while (running)
        {
            if (drain() == 0)
            {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(IDLE_MICROS));
            }
        }
        drain();
    }

    private int drain()
    {
        int n = 0;
        Object next;
        while ((next = queue.poll()) != null)
        {
            if (next instanceof TraceArrival a)
            {
                recorder.append(a);
            }
            else
            {
                recorder.append((TraceOutcome)next);
            }
            n++;
        }
        return n;
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        recorder.close();
    }
}
