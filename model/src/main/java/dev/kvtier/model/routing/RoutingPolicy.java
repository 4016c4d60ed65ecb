package dev.kvtier.model.routing;

import java.util.Locale;

/** How the router picks an instance (sgl-router policies plus kvtier's KV-centric one). */
public enum RoutingPolicy
{
    ROUND_ROBIN,
    RANDOM,
    /** Sample two instances, take the one with fewer requests in flight. */
    POWER_OF_TWO,
    /** sgl-router's approximate prefix tree with its balance rule. */
    CACHE_AWARE,
    /** Minimum estimated TTFT from queued prefill work, local prefix hits and L3 fetch time (Mooncake's Conductor). */
    KV_AWARE;

    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RoutingPolicy parse(final String s)
    {
        for (final RoutingPolicy p : values())
        {
            if (p.cliName().equals(s))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown routing policy '" + s
            + "': use round_robin, random, power_of_two, cache_aware or kv_aware");
    }
}
