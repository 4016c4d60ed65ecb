package dev.kvtier.workloads.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kvtier.workloads.json.JsonProblem;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Streams a Mooncake JSONL trace one record at a time and validates every line as it goes: a bad line stops the
 * read with a {@link TraceFormatException} naming the line, the field and the fix, rather than a silently
 * different replay. Blank lines are skipped; unknown fields are ignored so richer traces (session ids, models)
 * still load. A gzip-compressed file (as traces are often shipped) is read through gzip, whatever its name.
 */
public final class MooncakeTraceReader implements Iterator<TraceRecord>, Closeable
{
    private static final JsonFactory JSON = new JsonFactory();
    /** A UTF-8 byte-order mark some editors write at the start of a file: skipped. */
    private static final String BYTE_ORDER_MARK = "\uFEFF";
    /** What the decoder makes of bytes that are not UTF-8. */
    private static final char REPLACEMENT = '\uFFFD';

    /** The first two bytes of every gzip stream. */
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;
    /** The longest piece of a bad value quoted in an error. */
    private static final int QUOTE_CHARS = 40;

    private final String source;
    private final BufferedReader reader;
    private final boolean gzip;
    private long lineNumber;
    private long lastTimestamp = Long.MIN_VALUE;
    private TraceRecord next;
    private long[] idScratch = new long[512];

    public MooncakeTraceReader(final String source, final Reader reader)
    {
        this(source, reader, false);
    }

    private MooncakeTraceReader(final String source, final Reader reader, final boolean gzip)
    {
        this.source = source;
        this.reader = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        this.gzip = gzip;
    }

    /**
     * Opens a trace file; the source name in errors is the file name as given. Bytes that are not UTF-8 decode to
     * U+FFFD, which {@link #next()} reports with the line that holds them.
     */
    public static MooncakeTraceReader open(final Path path) throws IOException
    {
        // the first two bytes are read and pushed back rather than marked: a pipe or FIFO (`--trace <(...)`,
        // /dev/stdin) cannot seek, and a buffered stream's available() would ask it to
        final PushbackInputStream raw = new PipeSafeInput(Files.newInputStream(path));
        final int b0 = raw.read();
        final int b1 = b0 < 0 ? -1 : raw.read();
        if (b1 >= 0)
        {
            raw.unread(b1);
        }
        if (b0 >= 0)
        {
            raw.unread(b0);
        }
        final boolean gzip = b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
        InputStream in = raw;
        if (gzip)
        {
            try
            {
                in = new GZIPInputStream(raw, 1 << 16);
            }
            catch (final IOException e)
            {
                raw.close();
                throw new TraceFormatException(path.toString(), 1, null, "starts as gzip but its header is "
                    + (e instanceof EOFException ? "cut short" : "unreadable (" + e.getMessage() + ")")
                    + "; give a whole .gz file or the plain JSONL trace");
            }
        }
        return new MooncakeTraceReader(path.toString(), new InputStreamReader(in, StandardCharsets.UTF_8), gzip);
    }

    @Override
    public boolean hasNext()
    {
        if (next == null)
        {
            next = readNext();
        }
        return next != null;
    }

    @Override
    public TraceRecord next()
    {
        if (!hasNext())
        {
            throw new NoSuchElementException();
        }
        final TraceRecord r = next;
        next = null;
        return r;
    }

    private TraceRecord readNext()
    {
        try
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith(BYTE_ORDER_MARK))
                {
                    line = line.substring(1);
                }
                if (line.indexOf(REPLACEMENT) >= 0)
                {
                    throw error(null, "not UTF-8 (a byte sequence that no character encodes, at column "
                        + (line.indexOf(REPLACEMENT) + 1) + "); save the trace as UTF-8");
                }
                if (!line.isBlank())
                {
                    return parse(line);
                }
            }
            return null;
        }
        catch (final IOException e)
        {
            if (gzip && !(e instanceof FileSystemException))
            {
                throw error(null, "the gzip stream is cut short or corrupt (" + e.getMessage() + "); give a whole "
                    + ".gz file (gzip -t checks one) or the plain JSONL trace");
            }
            throw new UncheckedIOException(source + ":" + lineNumber + ": " + e.getMessage(), e);
        }
    }

    private TraceRecord parse(final String line) throws IOException
    {
        long timestamp = -1;
        long input = -1;
        long output = -1;
        int idCount = -1;
        int seen = 0;
        try (JsonParser p = JSON.createParser(line))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                throw error(null, "expected one JSON object per line; fix the line or remove it");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME)
            {
                final String name = p.currentName();
                final JsonToken value = p.nextToken();
                final int bit = switch (name)
                {
                    case "timestamp" -> 1;
                    case "input_length" -> 2;
                    case "output_length" -> 4;
                    case "hash_ids" -> 8;
                    default -> 0;
                };
                if ((seen & bit) != 0)
                {
                    throw error(name, "given twice on the line; keep one");
                }
                seen |= bit;
                switch (name)
                {
                    case "timestamp" -> timestamp = readCount(p, value, name, "milliseconds since trace start");
                    case "input_length" -> input = readCount(p, value, name, "prompt tokens");
                    case "output_length" -> output = readCount(p, value, name, "generated tokens");
                    case "hash_ids" -> idCount = readIds(p, value);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null)
            {
                throw error(null, "trailing content after the JSON object; one record per line");
            }
        }
        catch (final JsonParseException e)
        {
            throw error(null, "not valid JSON (" + JsonProblem.clean(e.getOriginalMessage())
                + "); one JSON object per line");
        }
        requirePresent(timestamp, "timestamp");
        requirePresent(input, "input_length");
        requirePresent(output, "output_length");
        if (idCount < 0)
        {
            throw error("hash_ids", "missing; give one prefix block hash per 512 prompt tokens");
        }
        if (input > Integer.MAX_VALUE || output > Integer.MAX_VALUE)
        {
            throw error(input > Integer.MAX_VALUE ? "input_length" : "output_length", "too large for one request");
        }
        final int expected = TraceRecord.blocksFor((int)input);
        if (idCount != expected)
        {
            throw error("hash_ids", "has " + idCount + " ids but input_length " + input + " needs ceil("
                + input + "/512) = " + expected + "; fix input_length or the ids");
        }
        if (timestamp < lastTimestamp)
        {
            throw error("timestamp", timestamp + " is earlier than the previous line's " + lastTimestamp
                + "; sort the trace by timestamp");
        }
        lastTimestamp = timestamp;
        final long[] ids = new long[idCount];
        System.arraycopy(idScratch, 0, ids, 0, idCount);
        return new TraceRecord(timestamp, (int)input, (int)output, ids);
    }

    private long readCount(final JsonParser p, final JsonToken value, final String name, final String meaning)
        throws IOException
    {
        if (value != JsonToken.VALUE_NUMBER_INT)
        {
            throw error(name, "expected a non-negative integer (" + meaning + "), got " + describe(p, value));
        }
        final long v;
        try
        {
            v = p.getLongValue();
        }
        catch (final IOException e)
        {
            throw error(name, "integer out of range");
        }
        if (v < 0)
        {
            throw error(name, "is " + v + "; must be a non-negative integer (" + meaning + ")");
        }
        return v;
    }

    private int readIds(final JsonParser p, final JsonToken value) throws IOException
    {
        if (value != JsonToken.START_ARRAY)
        {
            throw error("hash_ids", "expected a list of integers, got " + describe(p, value));
        }
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY)
        {
            if (t != JsonToken.VALUE_NUMBER_INT)
            {
                throw error("hash_ids", "element " + n + " is " + describe(p, t) + "; every id must be an integer");
            }
            if (n == idScratch.length)
            {
                idScratch = Arrays.copyOf(idScratch, n * 2);
            }
            try
            {
                idScratch[n++] = p.getLongValue();
            }
            catch (final IOException e)
            {
                throw error("hash_ids", "element " + (n - 1) + " does not fit in 64 bits");
            }
        }
        return n;
    }

    private void requirePresent(final long v, final String field)
    {
        if (v < 0)
        {
            throw error(field, "missing; every line needs timestamp, input_length, output_length and hash_ids");
        }
    }

    private static String describe(final JsonParser p, final JsonToken t) throws IOException
    {
        return switch (t)
        {
            case VALUE_STRING -> "the string \"" + quote(p.getText()) + "\"";
            case VALUE_NUMBER_FLOAT -> "the fraction " + p.getText();
            case VALUE_NULL -> "null";
            case START_ARRAY -> "a list";
            case START_OBJECT -> "an object";
            default -> quote(p.getText());
        };
    }

    private static String quote(final String text)
    {
        return text.length() <= QUOTE_CHARS ? text : text.substring(0, QUOTE_CHARS) + "…";
    }

    private TraceFormatException error(final String field, final String problem)
    {
        return new TraceFormatException(source, lineNumber, field, problem);
    }

    @Override
    public void close() throws IOException
    {
        reader.close();
    }

    /**
     * A file's stream with two bytes of push-back whose {@code available()} is 0 where the file cannot tell (a
     * pipe's would seek and fail): gzip's end-of-member check asks it, and a trace may come through a pipe.
     */
    private static final class PipeSafeInput extends PushbackInputStream
    {
        PipeSafeInput(final InputStream in)
        {
            super(in, 2);
        }

        @Override
        public int available() throws IOException
        {
            try
            {
                return super.available();
            }
            catch (final IOException e)
            {
                return 0;
            }
        }
    }
}
