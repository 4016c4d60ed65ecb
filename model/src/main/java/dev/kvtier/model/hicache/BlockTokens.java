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

    /** Tokens per trace block: the Mooncake format hashes prompts in blocks of this many tokens. */
    public static final int BLOCK_TOKENS = 512;

    private BlockTokens()
    {
    }

    /** The first {@code length} tokens of block {@code blockId}. */
    public static int[] of(final long blockId, final int length)
    {
        final int[] tokens = new int[length];
        fill(blockId, tokens, length);
        return tokens;
    }

    /**
     * Writes the first {@code length} tokens of block {@code blockId} into {@code tokens[0, length)}: what
     * {@link #of} returns, without a new array per block (a trace's page catalog hashes hundreds of thousands).
     */
    public static void fill(final long blockId, final int[] tokens, final int length)
    {
        final SplittableRandom random = new SplittableRandom(0x6b76746965724c4cL ^ (blockId * 0x9E3779B97F4A7C15L));
        for (int i = 0; i < length; i++)
        {
            tokens[i] = nextToken(random);
        }
    }

    /**
     * Pages of a block of {@code blockTokens} tokens that a page chain holds: whole pages only (SGLang caches no
     * partial page when {@code page_size > 1}), so a partial last block is cut down to its whole pages.
     */
    public static int wholePages(final int blockTokens, final int pageSize)
    {
        return Math.min(BLOCK_TOKENS / pageSize, blockTokens / pageSize);
    }

    /**
     * The token ids of a trace prompt of {@code length} tokens whose blocks are {@code blockIds}: each block's
     * tokens from {@link #of}, the last block cut at {@code length}. Sent to a live worker, whose pages the worker
     * hashes as the simulator's page chain does at any page size dividing 512, because a block's first {@code n}
     * tokens do not depend on how many are asked for and the worker, like the chain, drops the partial last page.
     * (The simulator takes a block's page count from the first request that shows it; the two agree as long as
     * an id always has one length, which prefix-chained ids give and the published traces keep.)
     */
    public static int[] prompt(final long[] blockIds, final int length)
    {
        if (length < 0 || (length + BLOCK_TOKENS - 1) / BLOCK_TOKENS != blockIds.length)
        {
            throw new IllegalArgumentException(blockIds.length + " blocks cannot hold a prompt of " + length
                + " tokens");
        }
        final int[] tokens = new int[length];
        for (int b = 0; b < blockIds.length; b++)
        {
            final int from = b * BLOCK_TOKENS;
            final int[] block = of(blockIds[b], Math.min(BLOCK_TOKENS, length - from));
            System.arraycopy(block, 0, tokens, from, block.length);
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
