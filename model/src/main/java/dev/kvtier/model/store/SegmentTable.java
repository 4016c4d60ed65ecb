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

    /** One allocation: a segment and an offset in it. */
    record Placement(MountedSegment segment, long offset, long size)
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

    boolean contains(final long segmentId)
    {
        return byId.containsKey(segmentId);
    }

    MountedSegment get(final long segmentId)
    {
        return byId.get(segmentId);
    }

    void mount(final Segment s)
    {
        byId.putIfAbsent(s.id(), new MountedSegment(s));
    }

    MountedSegment unmount(final long segmentId)
    {
        return byId.remove(segmentId);
    }

    int count()
    {
        return byId.size();
    }

    List<MountedSegment> all()
    {
        return new ArrayList<>(byId.values());
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
        for (final MountedSegment m : byId.values())
        {
            total += m.allocator.capacity();
        }
        return total;
    }

    long allocatedBytes()
    {
        long total = 0;
        for (final MountedSegment m : byId.values())
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
        final long offset = m.allocator.allocate(size);
        if (offset >= 0)
        {
            out.add(new Placement(m, offset, size));
        }
    }
}
