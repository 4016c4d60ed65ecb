package dev.kvtier.model.hicache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SGLang's page hash chain ({@code get_hash_str}): SHA-256 over the previous page's 32 raw digest bytes, then each
 * token id as 4 little-endian bytes. The key of a page therefore names its whole prefix, which is what lets any
 * instance find another instance's pages in L3. One hasher is not thread-safe; give each thread its own.
 */
public final class PageHasher
{
    /** Bytes in a SHA-256 digest. */
    public static final int DIGEST_BYTES = 32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final MessageDigest digest;
    private byte[] tokenBytes = new byte[256];

    public PageHasher()
    {
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Digest of {@code tokens[from, to)} chained on {@code prior} (null for a page directly under the root). */
    public byte[] hash(final byte[] prior, final int[] tokens, final int from, final int to)
    {
        final byte[] out = new byte[DIGEST_BYTES];
        hashInto(prior, 0, tokens, from, to, out, 0);
        return out;
    }

    /**
     * As {@link #hash}, reading the prior digest from {@code prior[priorOffset, +32)} (null for a root page) and
     * writing the digest to {@code out[outOffset, +32)}: no allocation per page, for catalogs of millions.
     */
    public void hashInto(final byte[] prior, final int priorOffset, final int[] tokens, final int from, final int to,
        final byte[] out, final int outOffset)
    {
        if (prior != null)
        {
            digest.update(prior, priorOffset, DIGEST_BYTES);
        }
        final int length = (to - from) * 4;
        if (tokenBytes.length < length)
        {
            tokenBytes = new byte[length];
        }
        final byte[] buf = tokenBytes;
        for (int i = from, j = 0; i < to; i++, j += 4)
        {
            final int t = tokens[i];
            buf[j] = (byte)t;
            buf[j + 1] = (byte)(t >>> 8);
            buf[j + 2] = (byte)(t >>> 16);
            buf[j + 3] = (byte)(t >>> 24);
        }
        digest.update(buf, 0, length);
        try
        {
            digest.digest(out, outOffset, DIGEST_BYTES);
        }
        catch (final java.security.DigestException e)
        {
            throw new IllegalStateException("SHA-256 digest did not fit 32 bytes", e);
        }
    }

    /** Lowercase hex, the form SGLang uses as the L3 key. */
    public static String hex(final byte[] digest)
    {
        return hex(digest, 0, digest.length);
    }

    /** Lower-case hex of {@code bytes[offset, offset + length)}, built as Latin-1 bytes (one buffer, no chars). */
    public static String hex(final byte[] bytes, final int offset, final int length)
    {
        final byte[] out = new byte[length * 2];
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[offset + i];
            out[2 * i] = (byte)HEX[(b >>> 4) & 0xf];
            out[2 * i + 1] = (byte)HEX[b & 0xf];
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
