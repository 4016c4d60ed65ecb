package dev.kvtier.model.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The mounted segments in mount order, each with its allocator, and the placement of new replicas on them
 * according to the {@link AllocationStrategy}. Mount order is the walk order of the random strategy, which keeps
 * placement a function of the seed alone.
 */
final class SegmentTable
{
    private static final int MAX_ATTEMPTS = 100;
    private static final int FREE_RATIO_SAMPLE_PER_REPLICA = 6;

    /** One allocation: a segment, the allocator's handle for it, and its offset in the segment. */
    record Placement(MountedSegment segment, int allocation, long offset, long size)
    {
    }

    /** A segment and its allocator. */
    static final class MountedSegment
    {
        final Segment segment;
        final OffsetAllocator allocator;

        MountedSegment(final Segment segment)
        {
            this.segment = segment;
            this.allocator = new OffsetAllocator(segment.size());
        }

        double freeRatio()
        {
            return (double)allocator.freeBytes() / allocator.capacity();
        }
    }

    private final Map<Long, MountedSegment> byId = new LinkedHashMap<>();
    /** {@link #byId}'s values in mount order, rebuilt on mount and unmount: lookups and placement read it on every
     * put and free, and the eviction check sums it every 10 ms (an iterator per sum over the map's values, hundreds
     * of thousands of times a simulated hour); a cluster mounts tens of segments, so a scan beats boxing an id into
     * a map lookup. */
    private MountedSegment[] ordered = new MountedSegment[0];
    private List<MountedSegment> orderedView = List.of();

    boolean contains(final long segmentId)
    {
        return get(segmentId) != null;
    }

    MountedSegment get(final long segmentId)
    {
        for (final MountedSegment m : ordered)
        {
            if (m.segment.id() == segmentId)
            {
                return m;
            }
        }
        return null;
    }

    void mount(final Segment s)
    {
        if (byId.putIfAbsent(s.id(), new MountedSegment(s)) == null)
        {
            reorder();
        }
    }

    MountedSegment unmount(final long segmentId)
    {
        final MountedSegment m = byId.remove(segmentId);
        if (m != null)
        {
            reorder();
        }
        return m;
    }

    private void reorder()
    {
        ordered = byId.values().toArray(new MountedSegment[0]);
        orderedView = List.of(ordered);
    }

    int count()
    {
        return byId.size();
    }

    /** The mounted segments in mount order (an unmodifiable snapshot). */
    List<MountedSegment> all()
    {
        return orderedView;
    }

    List<Segment> ofClient(final long clientId)
    {
        final List<Segment> out = new ArrayList<>();
        for (final MountedSegment m : byId.values())
        {
            if (m.segment.clientId() == clientId)
            {
                out.add(m.segment);
            }
        }
        return out;
    }

    long capacityBytes()
    {
        long total = 0;
        for (final MountedSegment m : ordered)
        {
            total += m.allocator.capacity();
        }
        return total;
    }

    long allocatedBytes()
    {
        long total = 0;
        for (final MountedSegment m : ordered)
        {
            total += m.allocator.allocatedBytes();
        }
        return total;
    }

    /** Up to {@code cfg.replicaNum()} placements on distinct segments; empty when none fits. */
    List<Placement> place(final long size, final ReplicateConfig cfg, final AllocationStrategy strategy,
        final RandomGenerator random)
    {
        final List<Placement> out = new ArrayList<>();
        final List<MountedSegment> order = all();
        for (final String name : cfg.preferredSegments())
        {
            for (final MountedSegment m : order)
            {
                if (out.size() < cfg.replicaNum() && m.segment.name().equals(name))
                {
                    tryPlace(m, size, out);
                }
            }
        }
        if (strategy == AllocationStrategy.LOCAL_FIRST && cfg.replicaNum() == 1 && !cfg.hostId().isEmpty())
        {
            for (final MountedSegment m : order)
            {
                if (out.isEmpty() && m.segment.hostId().equals(cfg.hostId()))
                {
                    tryPlace(m, size, out);
                }
            }
        }
        if (strategy == AllocationStrategy.FREE_RATIO_FIRST && out.size() < cfg.replicaNum() && !order.isEmpty())
        {
            final int window = Math.min(FREE_RATIO_SAMPLE_PER_REPLICA * (cfg.replicaNum() - out.size()),
                order.size());
            final int start = random.nextInt(order.size());
            final List<MountedSegment> candidates = new ArrayList<>();
            for (int i = 0; i < window; i++)
            {
                candidates.add(order.get((start + i) % order.size()));
            }
            candidates.sort(Comparator.comparingDouble(MountedSegment::freeRatio).reversed());
            for (final MountedSegment m : candidates)
            {
                if (out.size() < cfg.replicaNum())
                {
                    tryPlace(m, size, out);
                }
            }
        }
        if (out.size() < cfg.replicaNum() && !order.isEmpty())
        {
            final int attempts = Math.min(MAX_ATTEMPTS, order.size());
            final int start = random.nextInt(order.size());
            for (int i = 0; i < attempts && out.size() < cfg.replicaNum(); i++)
            {
                tryPlace(order.get((start + i) % order.size()), size, out);
            }
        }
        return out;
    }

    private static void tryPlace(final MountedSegment m, final long size, final List<Placement> out)
    {
        for (final Placement p : out)
        {
            if (p.segment() == m)
            {
                return;
            }
        }
        final int allocation = m.allocator.allocate(size);
        if (allocation >= 0)
        {
            out.add(new Placement(m, allocation, m.allocator.offset(allocation), size));
        }
    }
}
