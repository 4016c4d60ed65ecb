package dev.kvtier.model.hicache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of a KV page where no model computes them: a deterministic function of the page's key (its hash
 * chain), the layer and the tensor-parallel rank, laid out page first — a page's bytes are {@code layers × ranks}
 * equal parts, layer-major, each part one rank's K and V of that layer for the page's tokens. Whoever writes a page
 * to the store fills it with this; whoever reads it back checks every byte, so a store that returned another key's
 * value, a torn write or a stale slot shows up as a mismatch instead of a hit.
 *
 * <p>Each 8-byte word is SplitMix64 of (key hash, layer, rank, word index): cheap enough to fill and check at
 * memory speed, and no two pages, layers or ranks share a word pattern.
 */
public final class KvPagePattern
{
    private final long pageBytes;
    private final int layers;
    private final int ranks;
    private final long partBytes;

    /**
     * @param pageBytes one page's bytes for every layer and rank (a multiple of 8)
     * @param layers    the model's layers
     * @param ranks     tensor-parallel ranks whose KV the page holds
     */
    public KvPagePattern(final long pageBytes, final int layers, final int ranks)
    {
        if (pageBytes <= 0 || pageBytes % 8 != 0 || layers <= 0 || ranks <= 0)
        {
            throw new IllegalArgumentException("page bytes must be a positive multiple of 8 and layers, ranks > 0; "
                + "got " + pageBytes + ", " + layers + ", " + ranks);
        }
        this.pageBytes = pageBytes;
        this.layers = layers;
        this.ranks = ranks;
        final long parts = (long)layers * ranks;
        this.partBytes = pageBytes % (parts * 8) == 0 ? pageBytes / parts : pageBytes;
    }

    public long pageBytes()
    {
        return pageBytes;
    }

    /** Writes the page of {@code key} into {@code buffer} at {@code offset}. */
    public void fill(final ByteBuffer buffer, final int offset, final String key)
    {
        final ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder());
        final long seed = seed(key);
        final long parts = pageBytes / partBytes;
        for (long part = 0; part < parts; part++)
        {
            final long base = partSeed(seed, part);
            final int from = offset + (int)(part * partBytes);
            final int to = from + (int)partBytes;
            long at = part * partBytes;
            for (int i = from; i < to; i += 8, at += 8)
            {
                b.putLong(i, mix(base + at));
            }
        }
    }

    /** Whether {@code buffer} at {@code offset} holds exactly the page of {@code key}. */
    public boolean matches(final ByteBuffer buffer, final int offset, final String key)
    {
        final ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder());
        final long seed = seed(key);
        final long parts = pageBytes / partBytes;
        for (long part = 0; part < parts; part++)
        {
            final long base = partSeed(seed, part);
            final int from = offset + (int)(part * partBytes);
            final int to = from + (int)partBytes;
            long at = part * partBytes;
            long diff = 0;
            for (int i = from; i < to; i += 8, at += 8)
            {
                diff |= b.getLong(i) ^ mix(base + at);
            }
            if (diff != 0)
            {
                return false;
            }
        }
        return true;
    }

    /** The seed of one (layer, rank) part, to which each word adds its byte index before mixing. */
    private long partSeed(final long seed, final long part)
    {
        final long layer = part / ranks % layers;
        final long rank = part % ranks;
        return seed + layer * 0x9E3779B97F4A7C15L + rank * 0xC2B2AE3D27D4EB4FL;
    }

    private static long seed(final String key)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++)
        {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(final long x)
    {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
