package dev.kvtier.workloads.recorded;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads a recorded-trace directory written by {@link TraceRecorder}: its header, then its arrivals and outcomes in
 * append order. Files are only read. A cycle file cut short, a document that fails its checksum or a queue that
 * cannot be parsed stops the read with a {@link TraceCorruptException} whose one-line message names the file and
 * the last good index; every document before it has been handed over by then. A document whose writer died while
 * writing it is not an error: reading ends before it, as it ends at the tail of a trace still being written.
 *
 * <p>Not thread-safe; open one per reading thread.
 */
public final class RecordedTrace implements AutoCloseable
{
    private final Path dir;
    private final Path cutFile;
    private final Path padded;
    private final SingleChronicleQueue queue;
    private final CRC32C crc = new CRC32C();
    private final TraceHeader header;
    private byte[] scratch = new byte[4096];

    private RecordedTrace(final Path dir, final Path cutFile, final Path padded)
    {
        this.dir = dir;
        this.cutFile = cutFile;
        this.padded = padded;
        this.queue = TraceQueues.forReading(padded != null ? padded : dir);
        try
        {
            this.header = readHeader();
        }
        catch (final RuntimeException e)
        {
            close();
            throw e;
        }
    }

    /**
     * Opens a recorded trace.
     *
     * @throws NoSuchFileException when {@code dir} is not a directory holding cycle files
     * @throws TraceCorruptException when the header cannot be read
     */
    public static RecordedTrace open(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            throw new NoSuchFileException(dir.toString());
        }
        if (!Files.isDirectory(dir) || TraceQueues.cycleFiles(dir).isEmpty())
        {
            throw new NoSuchFileException(dir.toString(), null, (Files.isDirectory(dir) ? "a directory with no "
                + TraceQueues.SUFFIX + " files" : "a file") + ", not a recorded trace; give the directory that "
                + "kvtier sim, server or router --trace-dir or kvtier trace import wrote");
        }
        Path cut = null;
        for (final Path f : TraceQueues.cycleFiles(dir))
        {
            if (!TraceQueues.whole(Files.size(f)))
            {
                cut = f;
                break;
            }
        }
        return new RecordedTrace(dir, cut, cut == null ? null : paddedCopy(dir, cut));
    }

    public Path dir()
    {
        return dir;
    }

    public TraceHeader header()
    {
        return header;
    }

    /**
     * Hands every arrival and outcome to {@code visitor}, in append order, from the start of the trace.
     *
     * @throws TraceCorruptException at the first document that cannot be read whole, after the ones before it
     */
    public void read(final TraceVisitor visitor)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            long lastGood = -1;
            boolean first = true;
            while (true)
            {
                final Object doc;
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    doc = decode(dc, first);
                    lastGood = dc.index();
                    first = false;
                }
                catch (final RuntimeException | InternalError e)
                {
                    throw corrupt(tailer, lastGood, e);
                }
                if (doc instanceof TraceArrival a)
                {
                    visitor.arrival(a);
                }
                else if (doc instanceof TraceOutcome o)
                {
                    visitor.outcome(o);
                }
            }
            if (cutFile != null)
            {
                throw new TraceCorruptException(cutFile, lastGood, cutReason(), null);
            }
        }
    }

    /** Every arrival, in append order. */
    public List<TraceArrival> arrivals()
    {
        final List<TraceArrival> out = new ArrayList<>();
        read(new TraceVisitor()
        {
            @Override
            public void arrival(final TraceArrival arrival)
            {
                out.add(arrival);
            }

            @Override
            public void outcome(final TraceOutcome outcome)
            {
            }
        });
        return out;
    }

    /** Every outcome, in append order. */
    public List<TraceOutcome> outcomes()
    {
        final List<TraceOutcome> out = new ArrayList<>();
        read(new TraceVisitor()
        {
            @Override
            public void arrival(final TraceArrival arrival)
            {
            }

            @Override
            public void outcome(final TraceOutcome outcome)
            {
                out.add(outcome);
            }
        });
        return out;
    }

    @Override
    public void close()
    {
        queue.close();
        if (padded != null)
        {
            deleteTree(padded);
        }
    }

    private TraceHeader readHeader()
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    throw new TraceCorruptException(cutFile != null ? cutFile : dir, -1,
                        cutFile != null ? cutReason() + ", no header" : "no header (empty trace)", null);
                }
                return (TraceHeader)decode(dc, true);
            }
            catch (final TraceCorruptException e)
            {
                throw e;
            }
            catch (final RuntimeException | InternalError e)
            {
                throw corrupt(tailer, -1, e);
            }
        }
    }

    /** The document's record: the header, an arrival or an outcome. */
    private Object decode(final DocumentContext dc, final boolean first)
    {
        final int length = copy(dc);
        final byte type = RecordCodec.check(scratch, length, crc);
        if (first != (type == RecordCodec.HEADER))
        {
            throw new IllegalArgumentException(first ? "the first document is not the header" : "a second header");
        }
        return type == RecordCodec.HEADER ? RecordCodec.header(scratch, length)
            : type == RecordCodec.ARRIVAL ? RecordCodec.arrival(scratch, length)
            : RecordCodec.outcome(scratch, length);
    }

    private int copy(final DocumentContext dc)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long remaining = bytes.readRemaining();
        if (remaining > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("document of " + remaining + " bytes");
        }
        final int length = (int)remaining;
        if (length > scratch.length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        bytes.read(scratch, 0, length);
        return length;
    }

    private TraceCorruptException corrupt(final ExcerptTailer tailer, final long lastGood, final Throwable e)
    {
        Path file = cutFile;
        if (file == null)
        {
            final File current = currentFile(tailer);
            file = current == null ? dir : dir.resolve(current.getName());
        }
        final String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new TraceCorruptException(file, lastGood, (cutFile != null ? cutReason() + ", " : "")
            + "unreadable document after the last good one (" + reason.replace('\n', ' ') + ")", e);
    }

    private String cutReason()
    {
        return "cycle file cut short (" + size(cutFile) + " bytes; whole files are " + TraceQueues.OVERLAP / (1 << 20)
            + " MiB + n × " + TraceQueues.BLOCK_SIZE_MIB + " MiB)";
    }

    private static File currentFile(final ExcerptTailer tailer)
    {
        try
        {
            return tailer.currentFile();
        }
        catch (final RuntimeException e)
        {
            return null;
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException e)
        {
            return -1;
        }
    }

    /** A scratch copy of the trace up to the cut file, that one padded with zeros to a whole length. */
    private static Path paddedCopy(final Path dir, final Path cut) throws IOException
    {
        final Path copy = Files.createTempDirectory("kvtier-trace-check");
        try (Stream<Path> s = Files.list(dir))
        {
            for (final Path p : (Iterable<Path>)s::iterator)
            {
                final String name = p.getFileName().toString();
                if (!name.endsWith(TraceQueues.SUFFIX) || name.compareTo(cut.getFileName().toString()) <= 0)
                {
                    Files.copy(p, copy.resolve(name));
                }
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(copy.resolve(cut.getFileName()).toFile(), "rw"))
        {
            f.setLength(TraceQueues.paddedLength(f.length()));
        }
        return copy;
    }

    private static void deleteTree(final Path root)
    {
        try (Stream<Path> s = Files.walk(root))
        {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            // a scratch copy left in the temp directory is harmless
        }
    }
}
