package dev.kvtier.model.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The name of an object in the store. Mooncake's protocol names objects by arbitrary strings, but the pages of a
 * hierarchical cache are named by the lowercase hex of a 32-byte digest (SGLang's page hash), and a serving worker
 * names tens of thousands of them a second: as strings, each call made a 64-character key, hashed all of it and
 * compared it byte by byte against another string two pointers away in the master's table. A key made from a
 * digest holds the digest as four longs (equal keys compare four longs, 56 bytes a key against a string's 104), and
 * its hex is made only where the key leaves the process ({@link #toString}).
 *
 * <p>One key has one form: a string that is exactly a 32-byte digest's lowercase hex becomes the digest form
 * ({@link #of(String)}), any other string stays a string, so equality does not depend on how a key was made. The
 * hash code is the hex string's {@link String#hashCode}, in both forms, so the master's table orders its keys as it
 * did when it held strings.
 */
public final class StoreKey
{
    /** Bytes of a digest key. */
    public static final int DIGEST_BYTES = 32;
    private static final int HEX_CHARS = 2 * DIGEST_BYTES;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** A byte's two hex characters as {@code String.hashCode} weighs them: {@code 31 * high + low}. */
    private static final int[] PAIR_HASH = new int[256];
    /** 961^8: the weight of one long's 16 hex characters in the string hash. */
    private static final int WORD_WEIGHT;

    static
    {
        for (int b = 0; b < 256; b++)
        {
            PAIR_HASH[b] = 31 * HEX[b >>> 4] + HEX[b & 15];
        }
        int w = 1;
        for (int i = 0; i < 8; i++)
        {
            w *= 961;
        }
        WORD_WEIGHT = w;
    }

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;
    /** The key as given when it is not a digest's hex, else null. */
    private final String text;
    private final int hash;

    private StoreKey(final long w0, final long w1, final long w2, final long w3)
    {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
        this.text = null;
        this.hash = ((wordHash(w0) * WORD_WEIGHT + wordHash(w1)) * WORD_WEIGHT + wordHash(w2)) * WORD_WEIGHT
            + wordHash(w3);
    }

    private StoreKey(final String text)
    {
        this.w0 = 0;
        this.w1 = 0;
        this.w2 = 0;
        this.w3 = 0;
        this.text = text;
        this.hash = text.hashCode();
    }

    /** The key of {@code digest[offset, offset + 32)} (its hex is the key's text). */
    public static StoreKey ofDigest(final byte[] digest, final int offset)
    {
        return new StoreKey((long)LONGS.get(digest, offset), (long)LONGS.get(digest, offset + 8),
            (long)LONGS.get(digest, offset + 16), (long)LONGS.get(digest, offset + 24));
    }

    /** The digest key of four words, most significant first (as {@link #word} gives them back). */
    static StoreKey ofWords(final long w0, final long w1, final long w2, final long w3)
    {
        return new StoreKey(w0, w1, w2, w3);
    }

    /** The key named {@code text}: the digest form when it is a 32-byte digest's lowercase hex. */
    public static StoreKey of(final String text)
    {
        if (text.length() != HEX_CHARS)
        {
            return new StoreKey(text);
        }
        final long[] words = new long[4];
        for (int i = 0; i < HEX_CHARS; i++)
        {
            final char c = text.charAt(i);
            final int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0)
            {
                return new StoreKey(text);
            }
            words[i >>> 4] = (words[i >>> 4] << 4) | v;
        }
        return new StoreKey(words[0], words[1], words[2], words[3]);
    }

    /** {@link #of(String)} of every text, in order. */
    public static List<StoreKey> of(final List<String> texts)
    {
        final List<StoreKey> out = new ArrayList<>(texts.size());
        for (final String t : texts)
        {
            out.add(of(t));
        }
        return out;
    }

    /** {@link #toString()} of every key, in order. */
    public static List<String> texts(final List<StoreKey> keys)
    {
        final List<String> out = new ArrayList<>(keys.size());
        for (final StoreKey k : keys)
        {
            out.add(k.toString());
        }
        return out;
    }

    private static int wordHash(final long w)
    {
        int h = 0;
        for (int shift = 56; shift >= 0; shift -= 8)
        {
            h = h * 961 + PAIR_HASH[(int)(w >>> shift) & 0xFF];
        }
        return h;
    }

    /** Word {@code i} (0 to 3, most significant first) of a digest key; 0 for a string key. */
    long word(final int i)
    {
        return i == 0 ? w0 : i == 1 ? w1 : i == 2 ? w2 : w3;
    }

    /** The string of a string key, or null for a digest key. */
    String text()
    {
        return text;
    }

    /** Whether the key is empty (a string key of no characters; the master refuses it). */
    public boolean isEmpty()
    {
        return text != null && text.isEmpty();
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof StoreKey k) || k.hash != hash)
        {
            return false;
        }
        if (text == null)
        {
            return k.text == null && k.w0 == w0 && k.w1 == w1 && k.w2 == w2 && k.w3 == w3;
        }
        return text.equals(k.text);
    }

    /**
     * Orders keys as their texts order ({@link String#compareTo}'s sign) without making a digest key's hex: lowercase
     * hex digits order as the nibbles they stand for, so two digests' texts order as their words, unsigned, most
     * significant first. Eviction breaks ties between equal leases this way, over many keys at once.
     */
    public int compareText(final StoreKey o)
    {
        if (text == null && o.text == null)
        {
            int c = Long.compareUnsigned(w0, o.w0);
            if (c == 0)
            {
                c = Long.compareUnsigned(w1, o.w1);
            }
            if (c == 0)
            {
                c = Long.compareUnsigned(w2, o.w2);
            }
            return c != 0 ? c : Long.compareUnsigned(w3, o.w3);
        }
        return Integer.signum(toString().compareTo(o.toString()));
    }

    /** The hex string's {@link String#hashCode} for a digest key, the string's own for any other. */
    @Override
    public int hashCode()
    {
        return hash;
    }

    /** The key as the protocol names it: the digest's lowercase hex, made here, or the string it was made from. */
    @Override
    public String toString()
    {
        if (text != null)
        {
            return text;
        }
        final byte[] out = new byte[HEX_CHARS];
        final long[] words = {w0, w1, w2, w3};
        for (int i = 0; i < HEX_CHARS; i++)
        {
            out[i] = HEX[(int)(words[i >>> 4] >>> (60 - 4 * (i & 15))) & 15];
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
