package dev.kvtier.model.hicache;

import java.util.SplittableRandom;

/**
 * Synthetic token ids for a trace block. Mooncake traces carry block hash ids, not text; following the trace
 * authors' advice, each id gets pseudo-random tokens from a generator seeded by the id, so the same id always yields
 * the same tokens and SGLang page hashes over them reproduce the trace's sharing at any page size dividing 512.
 */
public final class BlockTokens
{
    /** Llama-3's vocabulary size; any large vocabulary makes accidental equality negligible. */
    public static final int VOCAB = 128_256;

    private BlockTokens()
    {
    }

    /** The first {@code length} tokens of block {@code blockId}. */
    public static int[] of(final long blockId, final int length)
    {
        final SplittableRandom random = new SplittableRandom(0x6b76746965724c4cL ^ (blockId * 0x9E3779B97F4A7C15L));
        final int[] tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            tokens[i] = nextToken(random);
        }
        return tokens;
    }

    /**
     * {@code random.nextInt(VOCAB)}, spelled out: the JDK's rejection rule for a bound that is not a power of two
     * (17 through 25), here with the bound a constant so the modulo compiles to a multiply. Through the generic
     * {@code nextInt(bound)} it was a hardware division per token, most of a trace's page-catalog build; spelling
     * it out also pins the token ids (and so every page hash) to this rule whatever a later JDK does.
     */
    private static int nextToken(final SplittableRandom random)
    {
        int r;
        for (int u = random.nextInt() >>> 1; u + (VOCAB - 1) - (r = u % VOCAB) < 0; u = random.nextInt() >>> 1)
        {
            // reject the over-represented top of the range, as nextInt(bound) does
        }
        return r;
    }
}
