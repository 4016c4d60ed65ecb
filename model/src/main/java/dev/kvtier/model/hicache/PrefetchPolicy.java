package dev.kvtier.model.hicache;

import java.util.Locale;

/**
 * When a queued request may stop waiting for its L3 prefetch ({@code --hicache-storage-prefetch-policy}): the
 * trade between TTFT spent waiting for bytes and prefill spent recomputing what did not arrive.
 */
public enum PrefetchPolicy
{
    /** Take whatever has arrived when the request's turn comes; never delays it. */
    BEST_EFFORT,
    /** Wait until every L3-hit page has arrived. */
    WAIT_COMPLETE,
    /** Wait until complete or until {@code base + perKiToken × hitTokens / 1024} (capped) has passed. */
    TIMEOUT;

    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PrefetchPolicy parse(final String s)
    {
        for (final PrefetchPolicy p : values())
        {
            if (p.cliName().equals(s))
            {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown prefetch policy '" + s
            + "': use best_effort, wait_complete or timeout");
    }
}
