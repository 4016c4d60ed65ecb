package dev.kvtier.sim.hits;

import java.util.Locale;

/**
 * Whether the cache capacity is one pool shared by all nodes (a Mooncake-style global store) or split evenly into
 * one pool per node (each serving instance caches only what it served).
 */
public enum Placement
{
    GLOBAL, LOCAL;

    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Placement parse(final String s)
    {
        for (final Placement p : values())
        {
            if (p.label().equals(s.trim().toLowerCase(Locale.ROOT)))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown placement '" + s + "'; choose global or local");
    }
}
