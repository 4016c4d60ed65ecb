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
            tokens[i] = random.nextInt(VOCAB);
        }
        return tokens;
    }
}
