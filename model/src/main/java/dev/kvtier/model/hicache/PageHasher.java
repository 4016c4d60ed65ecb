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
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final MessageDigest digest;
    private final byte[] tokenBytes = new byte[4];

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
        if (prior != null)
        {
            digest.update(prior);
        }
        final byte[] buf = new byte[(to - from) * 4];
        for (int i = from, j = 0; i < to; i++, j += 4)
        {
            final int t = tokens[i];
            buf[j] = (byte)t;
            buf[j + 1] = (byte)(t >>> 8);
            buf[j + 2] = (byte)(t >>> 16);
            buf[j + 3] = (byte)(t >>> 24);
        }
        digest.update(buf);
        return digest.digest();
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
