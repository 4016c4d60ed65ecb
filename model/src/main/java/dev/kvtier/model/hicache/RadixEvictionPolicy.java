package dev.kvtier.model.hicache;

import dev.kvtier.model.cache.EvictionPolicy;

import java.util.Locale;

/**
 * The order in which a {@link HiRadixCache} tier gives up its evictable leaves, as SGLang's
 * {@code --radix-eviction-policy} chooses it: the block-pool policies of {@code model.cache} that have a radix-tree
 * form, so the hit replay's comparison carries into the serving simulation. {@code lru} moves a page to the most
 * recent end at every access; {@code fifo} keeps the order in which pages entered the tier; {@code lfu} takes the
 * page with the fewest hits first and the least recently used among equals (SGLang's priority
 * {@code (hit_count, last_access_time)}, with its hits counted where SGLang counts them: at insert). Each tier keeps
 * its leaf order as keyed touch stamps ({@link TouchOrder}).
 */
public enum RadixEvictionPolicy
{
    /** Least recently used first (SGLang's default). */
    LRU("lru", true, false),
    /** Least frequently used first, ties to the least recently used. */
    LFU("lfu", true, true),
    /** First in, first out: an access does not renew a page. */
    FIFO("fifo", false, false);

    private final String label;
    private final boolean renewsOnAccess;
    private final boolean keyedByHitCount;

    RadixEvictionPolicy(final String label, final boolean renewsOnAccess, final boolean keyedByHitCount)
    {
        this.label = label;
        this.renewsOnAccess = renewsOnAccess;
        this.keyedByHitCount = keyedByHitCount;
    }

    public String label()
    {
        return label;
    }

    /** Whether an access (a hit, a reuse) moves a page to the most recent end of its tier's order. */
    boolean renewsOnAccess()
    {
        return renewsOnAccess;
    }

    /** Whether a page's hit count leads its key, recency breaking ties (LFU). */
    boolean keyedByHitCount()
    {
        return keyedByHitCount;
    }

    /**
     * @throws IllegalArgumentException naming the policies that have a radix-tree form
     */
    public static RadixEvictionPolicy parse(final String name)
    {
        for (final RadixEvictionPolicy p : values())
        {
            if (p.label.equals(name.toLowerCase(Locale.ROOT)))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not an L1/L2 eviction policy of the serving cache; "
            + "use lru, lfu or fifo (s3fifo, pflru and opt are block-pool policies of --mode hits only)");
    }

    /** The radix form of a block-pool policy. */
    public static RadixEvictionPolicy of(final EvictionPolicy policy)
    {
        return parse(policy.label());
    }
}
