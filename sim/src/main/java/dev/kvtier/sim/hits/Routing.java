package dev.kvtier.sim.hits;

import java.util.Locale;

/** How requests are spread over nodes when each node has its own pool. */
public enum Routing
{
    ROUND_ROBIN, RANDOM,
    /** Hash of the request's prefix at a fixed depth, so turns of one conversation meet the same node. */
    PREFIX_HASH;

    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Routing parse(final String s)
    {
        for (final Routing r : values())
        {
            if (r.label().equals(s.trim().toLowerCase(Locale.ROOT)))
            {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown routing '" + s + "'; choose round_robin, random or prefix_hash");
    }
}
