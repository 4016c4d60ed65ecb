package dev.kvtier.model.hicache;

import java.util.Locale;

/** How a request's L3 prefetch ended, as counted in reports. */
public enum PrefetchOutcome
{
    /** No prefetch: no storage, nothing unmatched above the threshold, or rate-limited. */
    NONE,
    /** The L3 hit was below the threshold, so the prefetch was revoked. */
    REVOKED,
    /** Every L3-hit page arrived before the request was scheduled. */
    COMPLETED,
    /** Terminated early by best_effort with part (or none) of the hit on host. */
    PARTIAL,
    /** Terminated by the timeout policy before it completed. */
    TIMED_OUT;

    public String key()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
