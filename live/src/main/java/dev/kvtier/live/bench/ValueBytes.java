package dev.kvtier.live.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The bytes a chaos run stores under a key at a version: the key's 64-bit hash, the version, then a pseudo-random
 * stream seeded by both. Any value can be recomputed from its key and version, so a reader checks every byte
 * without keeping a copy, and a value that belongs to another key or version says so in its first 16 bytes.
 */
final class ValueBytes
{
    private ValueBytes()
    {
    }

    static long keyHash(final String key)
    {
        long h = 0xcbf29ce484222325L;
        for (final byte b : key.getBytes(StandardCharsets.UTF_8))
        {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** Fills {@code b} (from 0 to its capacity) with the value of {@code key} at {@code version}. */
    static void fill(final ByteBuffer b, final String key, final long version)
    {
        final long hash = keyHash(key);
        final ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        le.putLong(0, hash);
        le.putLong(8, version);
        final SplittableRandom r = new SplittableRandom(hash ^ version * 0x9E3779B97F4A7C15L);
        int p = 16;
        for (; p + 8 <= le.capacity(); p += 8)
        {
            le.putLong(p, r.nextLong());
        }
        final long tail = r.nextLong();
        for (int i = 0; p < le.capacity(); p++, i++)
        {
            le.put(p, (byte)(tail >>> (8 * i)));
        }
    }

    /** The version in a value's header when it is {@code key}'s, else -1. */
    static long version(final ByteBuffer b, final String key)
    {
        final ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return le.getLong(0) == keyHash(key) ? le.getLong(8) : -1;
    }

    /** How many of the bytes 0 until {@code a}'s capacity differ between {@code a} and {@code b}. */
    static long differing(final ByteBuffer a, final ByteBuffer b)
    {
        final ByteBuffer x = a.duplicate().clear();
        final ByteBuffer y = b.duplicate().clear();
        long n = 0;
        int at;
        while ((at = x.mismatch(y)) != -1)
        {
            n++;
            x.position(x.position() + at + 1);
            y.position(y.position() + at + 1);
            if (!x.hasRemaining())
            {
                break;
            }
        }
        return n;
    }
}
