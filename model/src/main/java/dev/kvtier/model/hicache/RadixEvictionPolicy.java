package dev.kvtier.model.hicache;

import dev.kvtier.model.cache.EvictionPolicy;

import java.util.Locale;

/**
 * The order in which a {@link HiRadixCache} tier gives up its evictable leaves, as SGLang's
 * {@code --radix-eviction-policy} chooses it: the block-pool policies of {@code model.cache} that have a radix-tree
 * form, so the hit replay's comparison carries into the serving simulation. {@code lru} moves a page to the most
 * recent end at every access; {@code fifo} keeps the order in which pages entered the tier. Both keep a leaf
 * eviction order in each tier's existing structure (a recency list on the device, touch stamps on the host).
 */
public enum RadixEvictionPolicy
{
    /** Least recently used first (SGLang's default). */
    LRU("lru", true),
    /** First in, first out: an access does not renew a page. */
    FIFO("fifo", false);

    private final String label;
    private final boolean renewsOnAccess;

    RadixEvictionPolicy(final String label, final boolean renewsOnAccess)
    {
        this.label = label;
        this.renewsOnAccess = renewsOnAccess;
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
            + "use lru or fifo (lfu, s3fifo, pflru and opt are block-pool policies of --mode hits only)");
    }

    /** The radix form of a block-pool policy. */
    public static RadixEvictionPolicy of(final EvictionPolicy policy)
    {
        return parse(policy.label());
    }
}
