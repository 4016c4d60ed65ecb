package dev.kvtier.workloads.recorded;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes of one document of a recorded trace, independent of the queue that stores them: a type byte, a layout
 * version byte, the fields little-endian (strings and arrays as an int count then the items, strings UTF-8), then
 * a CRC32C of everything before it. The checksum is what lets a reader tell a corrupt document from a good one and
 * name the last good index. Not thread-safe: one codec per writer or reader.
 */
final class RecordCodec
{
    static final byte HEADER = 'H';
    static final byte ARRIVAL = 'A';
    static final byte OUTCOME = 'O';
    static final byte LAYOUT = TraceHeader.LAYOUT;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

    /** The encoded document: {@link #array()} from 0 to this length. */
    int length()
    {
        return buffer.position();
    }

    byte[] array()
    {
        return buffer.array();
    }

    int encode(final TraceHeader h)
    {
        begin(HEADER);
        putString(h.origin());
        putString(h.source());
        buffer.putLong(h.seed());
        putString(h.versions());
        putString(h.configJson());
        return end();
    }

    int encode(final TraceArrival a)
    {
        begin(ARRIVAL);
        ensure(48);
        buffer.putLong(a.requestId()).putLong(a.timeNs()).putInt(a.promptTokens()).putInt(a.outputTokens())
            .putInt(a.chainTokens()).putLong(a.sessionId()).putInt(a.turn());
        final long[] ids = a.hashIds();
        ensure(4 + 8 * ids.length);
        buffer.putInt(ids.length);
        for (final long id : ids)
        {
            buffer.putLong(id);
        }
        final String[] keys = a.pageKeys();
        ensure(4);
        buffer.putInt(keys.length);
        for (final String k : keys)
        {
            putString(k);
        }
        return end();
    }

    int encode(final TraceOutcome o)
    {
        begin(OUTCOME);
        ensure(64);
        buffer.putLong(o.requestId()).putInt(o.deviceTokens()).putInt(o.hostTokens()).putInt(o.storageTokens());
        putString(o.prefetch());
        ensure(48);
        buffer.putInt(o.prefetchPages()).putLong(o.ttftNs()).putLong(o.itlNs()).putLong(o.e2eNs())
            .putInt(o.worker()).put((byte)(o.aborted() ? 1 : 0));
        return end();
    }

    /**
     * Checks the document held in {@code bytes[0, length)} and positions a view on its fields.
     *
     * @return its type byte
     * @throws IllegalArgumentException naming what is wrong
     */
    static byte check(final byte[] bytes, final int length, final CRC32C crc)
    {
        if (length < 6)
        {
            throw new IllegalArgumentException("document of " + length + " bytes is too short");
        }
        crc.reset();
        crc.update(bytes, 0, length - 4);
        final int stored = ByteBuffer.wrap(bytes, length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int)crc.getValue() != stored)
        {
            throw new IllegalArgumentException("checksum mismatch in a document of " + length + " bytes");
        }
        if (bytes[1] != LAYOUT)
        {
            throw new IllegalArgumentException("document layout " + bytes[1] + " is not " + LAYOUT
                + " (written by another kvtier version?)");
        }
        final byte type = bytes[0];
        if (type != HEADER && type != ARRIVAL && type != OUTCOME)
        {
            throw new IllegalArgumentException("unknown document type " + type);
        }
        return type;
    }

    static TraceHeader header(final byte[] bytes, final int length)
    {
        final ByteBuffer in = fields(bytes, length);
        final String origin = string(in);
        final String source = string(in);
        final long seed = in.getLong();
        final String versions = string(in);
        final String config = string(in);
        done(in);
        return new TraceHeader(origin, source, seed, versions, config);
    }

    static TraceArrival arrival(final byte[] bytes, final int length)
    {
        final ByteBuffer in = fields(bytes, length);
        final long id = in.getLong();
        final long time = in.getLong();
        final int prompt = in.getInt();
        final int output = in.getInt();
        final int chainTokens = in.getInt();
        final long session = in.getLong();
        final int turn = in.getInt();
        final long[] ids = new long[count(in, 8)];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = in.getLong();
        }
        final String[] keys = new String[count(in, 4)];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = string(in);
        }
        done(in);
        return new TraceArrival(id, time, prompt, output, chainTokens, ids, keys, session, turn);
    }

    static TraceOutcome outcome(final byte[] bytes, final int length)
    {
        final ByteBuffer in = fields(bytes, length);
        final long id = in.getLong();
        final int device = in.getInt();
        final int host = in.getInt();
        final int storage = in.getInt();
        final String prefetch = string(in);
        final int pages = in.getInt();
        final long ttft = in.getLong();
        final long itl = in.getLong();
        final long e2e = in.getLong();
        final int worker = in.getInt();
        final boolean aborted = in.get() != 0;
        done(in);
        return new TraceOutcome(id, device, host, storage, prefetch, pages, ttft, itl, e2e, worker, aborted);
    }

    private void begin(final byte type)
    {
        buffer.clear();
        buffer.put(type).put(LAYOUT);
    }

    private int end()
    {
        crc.reset();
        crc.update(buffer.array(), 0, buffer.position());
        ensure(4);
        buffer.putInt((int)crc.getValue());
        return buffer.position();
    }

    private void putString(final String s)
    {
        final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ensure(4 + utf8.length);
        buffer.putInt(utf8.length).put(utf8);
    }

    private void ensure(final int more)
    {
        if (buffer.remaining() < more)
        {
            final ByteBuffer grown = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more))
                .order(ByteOrder.LITTLE_ENDIAN);
            grown.put(buffer.array(), 0, buffer.position());
            buffer = grown;
        }
    }

    private static ByteBuffer fields(final byte[] bytes, final int length)
    {
        return ByteBuffer.wrap(bytes, 2, length - 6).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int count(final ByteBuffer in, final int itemBytes)
    {
        final int n = in.getInt();
        if (n < 0 || (long)n * itemBytes > in.remaining())
        {
            throw new IllegalArgumentException("count " + n + " does not fit the document");
        }
        return n;
    }

    private static String string(final ByteBuffer in)
    {
        final int n = count(in, 1);
        final String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static void done(final ByteBuffer in)
    {
        if (in.hasRemaining())
        {
            throw new IllegalArgumentException(in.remaining() + " unread bytes after the last field");
        }
    }
}
