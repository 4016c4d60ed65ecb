package dev.kvtier.model.hicache;

import java.util.Locale;

/**
 * When a page computed on the GPU gets its host copy ({@code --hicache-write-policy}). The host copy is what L3
 * backup starts from, so the policy also decides what reaches the distributed store.
 */
public enum WritePolicy
{
    /** Back up on the first insert (hit count ≥ 1): most bandwidth, strongest caching. SGLang's server default. */
    WRITE_THROUGH(1),
    /** Back up once a page has been inserted or re-matched twice: hot data only. */
    WRITE_THROUGH_SELECTIVE(2),
    /** Back up only when the GPU evicts the page; nothing goes to L3 on this path (baseline). */
    WRITE_BACK(Integer.MAX_VALUE),
    /**
     * Write every computed page to host, drop host copies of device pages first when L2 is full, and demote a page
     * to host when the GPU evicts it, keeping the host tree a prefix-closed extension of the device tree: less
     * duplication between tiers, so L2 may be smaller than L1 (sgl-project/sglang#29049).
     */
    BOUNDARY_L1_L2(1);

    private final int hitThreshold;

    WritePolicy(final int hitThreshold)
    {
        this.hitThreshold = hitThreshold;
    }

    public int hitThreshold()
    {
        return hitThreshold;
    }

    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WritePolicy parse(final String s)
    {
        for (final WritePolicy p : values())
        {
            if (p.cliName().equals(s))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown write policy '" + s
            + "': use write_through, write_through_selective, write_back or boundary_l1_l2");
    }
}
