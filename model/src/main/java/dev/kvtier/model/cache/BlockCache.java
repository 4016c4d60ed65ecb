package dev.kvtier.model.cache;

/**
 * A pool of KV blocks of fixed capacity, counted in blocks, under one eviction policy.
 *
 * <p>Blocks are dense integer ids (a trace loader remaps whatever ids a trace uses), so every policy keeps its
 * state in primitive arrays indexed by id. A caller asks {@link #contains} for every block of a request first and
 * only then {@link #access}es them, deepest block first, so that no block is ever more recent than its
 * ancestors and a prefix is never reported as hit after the request itself evicted it.
 */
public interface BlockCache
{
    /** Sentinel for {@code nextUse}: the block is never referenced again. */
    int NEVER = Integer.MAX_VALUE;

    /** Whether the block is resident now. */
    boolean contains(int block);

    /**
     * Touches the block if resident, else admits it, evicting as the policy says.
     *
     * @param block   dense block id
     * @param depth   position of the block in its prefix chain, 0 for a first block
     * @param tokens  tokens the block holds (fewer than a full block for a partial last block)
     * @param nextUse index of the next request (in the order this pool sees them) that references the block, or
     *                {@link #NEVER}; only offline policies read it
     */
    void access(int block, int depth, int tokens, int nextUse);

    /** Blocks resident now. */
    int size();

    /** Capacity in blocks. */
    int capacity();

    /** Blocks evicted so far (an offline policy's bypass of a new block counts as an eviction). */
    long evictions();
}
