package dev.kvtier.transport.sim;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;

import java.util.HashSet;
import java.util.Set;

/**
 * A network with one fixed one-way latency between distinct nodes, zero to self, and partitions that drop every
 * message between two nodes until healed. Enough for control-plane protocols (leases, pings, RPCs) whose
 * behaviour depends on ordering and loss rather than on bandwidth.
 */
public final class LatencyNetwork implements NetworkModel
{
    private final long latencyNs;
    private final Set<Long> partitioned = new HashSet<>();

    public LatencyNetwork(final long latencyNs)
    {
        if (latencyNs < 0)
        {
            throw new IllegalArgumentException("latency must be >= 0 ns, got " + latencyNs);
        }
        this.latencyNs = latencyNs;
    }

    /** Drops messages both ways between {@code a} and {@code b}. */
    public void partition(final NodeId a, final NodeId b)
    {
        partitioned.add(pair(a, b));
    }

    public void heal(final NodeId a, final NodeId b)
    {
        partitioned.remove(pair(a, b));
    }

    @Override
    public long deliveryDelayNs(final NodeId from, final NodeId to, final Message message, final long nowNs)
    {
        if (from.index() == to.index())
        {
            return 0;
        }
        // every message of a run passes here: without partitions, no boxed pair key and no set lookup
        return !partitioned.isEmpty() && partitioned.contains(pair(from, to)) ? DROP : latencyNs;
    }

    private static long pair(final NodeId a, final NodeId b)
    {
        final int lo = Math.min(a.index(), b.index());
        final int hi = Math.max(a.index(), b.index());
        return (long)lo << 32 | hi;
    }
}
