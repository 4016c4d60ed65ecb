package dev.kvtier.model.routing;

import java.util.Locale;

/**
 * Whether the cache capacity is one pool shared by all nodes (a Mooncake-style global store) or split evenly into
 * one pool per node (each serving instance caches only what it served).
 */
public enum PoolPlacement
{
    GLOBAL, LOCAL;

    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Pools over {@code nodes} serving nodes: one for global placement, else one per node. */
    public int pools(final int nodes)
    {
        return this == GLOBAL ? 1 : nodes;
    }

    public static PoolPlacement parse(final String s)
    {
        for (final PoolPlacement p : values())
        {
            if (p.label().equals(s.trim().toLowerCase(Locale.ROOT)))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown placement '" + s + "'; choose global or local");
    }
}
