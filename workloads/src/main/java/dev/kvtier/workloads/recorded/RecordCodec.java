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
    private static final byte KEYS_STRINGS = 0;
    private static final byte KEYS_DIGESTS = 1;
    private static final int DIGEST_BYTES = 32;
    private static final int HEX_DIGITS = 2 * DIGEST_BYTES;

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
        putKeys(a.pageKeys());
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
        putKeys(o.outputKeys());
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
        final String[] keys = keys(in);
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
        final String[] outputKeys = keys(in);
        done(in);
        return new TraceOutcome(id, device, host, storage, prefetch, pages, ttft, itl, e2e, worker, aborted,
            outputKeys);
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

    /**
     * Page keys as a count, an encoding byte and the keys: SGLang page keys (64 lowercase hex digits) as their 32
     * digest bytes, which halves a recording and spares the writer a UTF-8 encoding per page; any other key as a
     * string.
     */
    private void putKeys(final String[] keys)
    {
        final boolean digests = allDigests(keys);
        ensure(5 + (digests ? DIGEST_BYTES * keys.length : 0));
        buffer.putInt(keys.length).put(digests ? KEYS_DIGESTS : KEYS_STRINGS);
        for (final String k : keys)
        {
            if (digests)
            {
                for (int i = 0; i < HEX_DIGITS; i += 2)
                {
                    buffer.put((byte)(Character.digit(k.charAt(i), 16) << 4 | Character.digit(k.charAt(i + 1), 16)));
                }
            }
            else
            {
                putString(k);
            }
        }
    }

    private static boolean allDigests(final String[] keys)
    {
        for (final String k : keys)
        {
            if (k.length() != HEX_DIGITS)
            {
                return false;
            }
            for (int i = 0; i < HEX_DIGITS; i++)
            {
                final char c = k.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f'))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static String[] keys(final ByteBuffer in)
    {
        final int n = in.getInt();
        if (n < 0 || n > in.remaining())
        {
            throw new IllegalArgumentException("count " + n + " exceeds the " + in.remaining() + " bytes left");
        }
        final byte encoding = in.get();
        final String[] keys = new String[n];
        if (encoding == KEYS_DIGESTS)
        {
            if ((long)n * DIGEST_BYTES > in.remaining())
            {
                throw new IllegalArgumentException(n + " page digests exceed the " + in.remaining() + " bytes left");
            }
            final char[] hex = new char[HEX_DIGITS];
            for (int i = 0; i < n; i++)
            {
                for (int b = 0; b < DIGEST_BYTES; b++)
                {
                    final int v = in.get() & 0xff;
                    hex[2 * b] = Character.forDigit(v >>> 4, 16);
                    hex[2 * b + 1] = Character.forDigit(v & 15, 16);
                }
                keys[i] = new String(hex);
            }
        }
        else if (encoding == KEYS_STRINGS)
        {
            for (int i = 0; i < n; i++)
            {
                keys[i] = string(in);
            }
        }
        else
        {
            throw new IllegalArgumentException("unknown page key encoding " + encoding);
        }
        return keys;
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
