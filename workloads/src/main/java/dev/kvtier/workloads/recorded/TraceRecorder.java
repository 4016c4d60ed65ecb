package dev.kvtier.workloads.recorded;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Appends a run's header, request arrivals and outcomes to a recorded-trace directory (a Chronicle Queue of hourly
 * cycle files). Chronicle Queue because the design asks for a durable record that a replay can read while it is
 * still being written: each document is appended to a memory-mapped file, so once {@code append} returns it
 * belongs to the operating system and survives the recording process crashing; only a document being written at
 * that moment is lost (the reader stops before it). An operating-system crash can lose what the kernel had not yet
 * flushed.
 *
 * <p>Thread-safe: every append takes one lock, so documents from several threads land whole and in the order the
 * lock was taken. Opening a directory that already holds a trace appends to it; its header stays the first
 * document, so {@link #writeHeader} is refused there.
 */
public final class TraceRecorder implements AutoCloseable
{
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final RecordCodec codec = new RecordCodec();
    private boolean empty;
    private boolean closed;
    private long last = -1;

    private TraceRecorder(final Path dir, final SingleChronicleQueue queue)
    {
        this.dir = dir;
        this.queue = queue;
        this.appender = queue.createAppender();
        this.appender.singleThreadedCheckDisabled(true);
        this.empty = queue.firstIndex() == Long.MAX_VALUE;
    }

    /** Opens (creating it if needed) the trace directory {@code dir} for appending. */
    public static TraceRecorder open(final Path dir) throws IOException
    {
        return open(dir, null);
    }

    /** As {@link #open(Path)}, with the wall clock that picks the hourly cycle file replaced (for tests). */
    static TraceRecorder open(final Path dir, final LongSupplier epochMillis) throws IOException
    {
        Files.createDirectories(dir);
        return new TraceRecorder(dir, TraceQueues.forWriting(dir, epochMillis));
    }

    public Path dir()
    {
        return dir;
    }

    /**
     * Writes the header; it must be the trace's first document.
     *
     * @throws IllegalStateException when the directory already holds documents
     */
    public synchronized void writeHeader(final TraceHeader header)
    {
        if (!empty)
        {
            throw new IllegalStateException("recorded trace " + dir + " already holds documents; its header is "
                + "the first of them (record into an empty directory)");
        }
        write(codec.encode(header));
    }

    public synchronized void append(final TraceArrival arrival)
    {
        write(codec.encode(arrival));
    }

    public synchronized void append(final TraceOutcome outcome)
    {
        write(codec.encode(outcome));
    }

    /** Queue index of the last document appended through this recorder, or -1. */
    public synchronized long lastIndex()
    {
        return last;
    }

    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            appender.close();
            queue.close();
        }
    }

    private void write(final int length)
    {
        if (closed)
        {
            throw new IllegalStateException("recorded trace " + dir + " is closed");
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(codec.array(), 0, length);
        }
        last = appender.lastIndexAppended();
        empty = false;
    }
}
