package dev.kvtier.model.hicache;

import java.util.Arrays;

/**
 * Dense ids for distinct digests, in order of first appearance, with the digests stored back to back. The table
 * is open addressing over ids, probed by the digest's first four bytes (already uniformly random) and confirmed on
 * all 32: a trace has millions of pages, and a map of wrapped byte arrays cost a catalog build four cache misses
 * and three objects per page.
 */
public final class DigestIds
{
    private byte[] digests;
    /** id + 1 per slot, 0 when empty. */
    private int[] slots;
    private int size;

    public DigestIds(final int expected)
    {
        digests = new byte[PageHasher.DIGEST_BYTES * Math.max(16, expected)];
        slots = new int[Integer.highestOneBit(Math.max(16, expected) * 2 - 1) * 2];
    }

    public int size()
    {
        return size;
    }

    public byte[] digests()
    {
        return digests;
    }

    /** The id of the digest at {@code source[offset, +32)}, a new one if it was not seen before. */
    public int idOf(final byte[] source, final int offset)
    {
        final int mask = slots.length - 1;
        int i = home(source, offset) & mask;
        int s;
        while ((s = slots[i]) != 0)
        {
            final int at = (s - 1) * PageHasher.DIGEST_BYTES;
            if (Arrays.equals(digests, at, at + PageHasher.DIGEST_BYTES, source, offset,
                offset + PageHasher.DIGEST_BYTES))
            {
                return s - 1;
            }
            i = (i + 1) & mask;
        }
        final int id = size++;
        if (digests.length < size * PageHasher.DIGEST_BYTES)
        {
            digests = Arrays.copyOf(digests, digests.length * 2);
        }
        System.arraycopy(source, offset, digests, id * PageHasher.DIGEST_BYTES, PageHasher.DIGEST_BYTES);
        slots[i] = id + 1;
        if (size * 2 > slots.length)
        {
            rehash();
        }
        return id;
    }

    private void rehash()
    {
        final int[] grown = new int[slots.length * 2];
        final int mask = grown.length - 1;
        for (int id = 0; id < size; id++)
        {
            int i = home(digests, id * PageHasher.DIGEST_BYTES) & mask;
            while (grown[i] != 0)
            {
                i = (i + 1) & mask;
            }
            grown[i] = id + 1;
        }
        slots = grown;
    }

    private static int home(final byte[] bytes, final int offset)
    {
        int h = 0;
        for (int k = 0; k < 4; k++)
        {
            h = (h << 8) | (bytes[offset + k] & 0xFF);
        }
        return h;
    }
}
