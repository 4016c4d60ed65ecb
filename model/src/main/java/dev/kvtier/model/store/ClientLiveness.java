package dev.kvtier.model.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which clients the master counts as alive: a deadline per client that every Ping, Mount and ReMount pushes to
 * now + {@code client_ttl}, and the OK set a client joins only by remounting, as Mooncake's client monitor keeps
 * them. Apart from the master's object state because it is a clock of its own: it decides when a client is gone,
 * and the master then takes its segments (and the replicas on them) away.
 */
final class ClientLiveness
{
    private final long ttlMs;
    private final TreeMap<Long, Long> deadlines = new TreeMap<>();
    private final TreeSet<Long> ok = new TreeSet<>();

    ClientLiveness(final long ttlMs)
    {
        this.ttlMs = ttlMs;
    }

    /** The client was heard from (Ping or Mount): its deadline moves to {@code nowMs} + TTL. */
    void heardFrom(final long clientId, final long nowMs)
    {
        deadlines.put(clientId, nowMs + ttlMs);
    }

    /** The client remounted its segments: it joins the OK set, and was heard from. */
    void remounted(final long clientId, final long nowMs)
    {
        ok.add(clientId);
        heardFrom(clientId, nowMs);
    }

    /** Whether the client is in the OK set (a Ping from any other client answers NEED_REMOUNT). */
    boolean isOk(final long clientId)
    {
        return ok.contains(clientId);
    }

    int okCount()
    {
        return ok.size();
    }

    /** Forgets every client whose deadline passed before {@code nowMs} and returns them, lowest id first. */
    List<Long> expire(final long nowMs)
    {
        final List<Long> expired = new ArrayList<>();
        for (final Map.Entry<Long, Long> e : deadlines.entrySet())
        {
            if (e.getValue() < nowMs)
            {
                expired.add(e.getKey());
            }
        }
        for (final long client : expired)
        {
            deadlines.remove(client);
            ok.remove(client);
        }
        return expired;
    }
}
