package dev.kvtier.model.store;

import java.util.List;

/**
 * How a put should be placed and protected (upstream {@code ReplicateConfig}).
 *
 * @param replicaNum        memory replicas, each on a distinct segment
 * @param softPinTtlMs      0 for an ordinary object; else the object is soft-pinned for this long after PutEnd
 * @param hardPin           never evicted; removable only by force or RemoveAll
 * @param preferredSegments segment names to try first, in order
 * @param hostId            the writer's host, for {@code local_first}
 */
public record ReplicateConfig(int replicaNum, long softPinTtlMs, boolean hardPin, List<String> preferredSegments,
    String hostId)
{
    /** One replica, no pin, no preference: upstream's defaults. */
    public static ReplicateConfig defaults()
    {
        return new ReplicateConfig(1, 0, false, List.of(), "");
    }

    public ReplicateConfig withReplicas(final int n)
    {
        return new ReplicateConfig(n, softPinTtlMs, hardPin, preferredSegments, hostId);
    }

    public ReplicateConfig withSoftPin(final long ttlMs)
    {
        return new ReplicateConfig(replicaNum, ttlMs, hardPin, preferredSegments, hostId);
    }

    public ReplicateConfig withHardPin()
    {
        return new ReplicateConfig(replicaNum, softPinTtlMs, true, preferredSegments, hostId);
    }

    public ReplicateConfig withPreferred(final List<String> segments)
    {
        return new ReplicateConfig(replicaNum, softPinTtlMs, hardPin, List.copyOf(segments), hostId);
    }

    public ReplicateConfig withHost(final String host)
    {
        return new ReplicateConfig(replicaNum, softPinTtlMs, hardPin, preferredSegments, host);
    }
}
