package dev.kvtier.model.store;

import dev.kvtier.model.primitive.LongIntMap;

import java.util.ArrayList;
import java.util.Arrays;
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
    /** {@link #byId}'s values in mount order, rebuilt on mount and unmount: placement reads it on every put. */
    private MountedSegment[] ordered = new MountedSegment[0];
    private List<MountedSegment> orderedView = List.of();
    /**
     * {@link #byId} again, id to place in {@link #ordered}, rebuilt on mount and unmount: every free and every
     * replica description looks a segment up by id, and a scan of the mounted segments (or boxing the id for the
     * map) made that O(segments): 31% of a run's loop at 1,024 nodes.
     */
    private final LongIntMap positions = new LongIntMap();
    private MountedSegment[] placedSegments = new MountedSegment[2];
    private int[] placedAllocations = new int[2];
    private long[] placedOffsets = new long[2];
    private int placed;
    /**
     * The mounted segments' capacity and allocated bytes, kept as they change: the master asks whether an eviction
     * pass is due after every request, which a sum over a thousand segments would make O(segments) a request.
     */
    private long capacityTotal;
    private long allocatedTotal;

    boolean contains(final long segmentId)
    {
        return get(segmentId) != null;
    }

    MountedSegment get(final long segmentId)
    {
        final int at = positions.get(segmentId);
        return at < 0 ? null : ordered[at];
    }

    void mount(final Segment s)
    {
        // a remount of a mounted segment keeps its allocator: make none (its arrays are megabytes) just to drop it
        if (!byId.containsKey(s.id()))
        {
            final MountedSegment m = new MountedSegment(s);
            byId.put(s.id(), m);
            capacityTotal += m.allocator.capacity();
            reorder();
        }
    }

    MountedSegment unmount(final long segmentId)
    {
        final MountedSegment m = byId.remove(segmentId);
        if (m != null)
        {
            capacityTotal -= m.allocator.capacity();
            allocatedTotal -= m.allocator.allocatedBytes();
            reorder();
        }
        return m;
    }

    private void reorder()
    {
        ordered = byId.values().toArray(new MountedSegment[0]);
        orderedView = List.of(ordered);
        positions.clear();
        for (int i = 0; i < ordered.length; i++)
        {
            positions.put(ordered[i].segment.id(), i);
        }
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
        return capacityTotal;
    }

    long allocatedBytes()
    {
        return allocatedTotal;
    }

    /** Frees {@code allocation} of mounted segment {@code m}. */
    void free(final MountedSegment m, final int allocation)
    {
        final long before = m.allocator.allocatedBytes();
        m.allocator.free(allocation);
        allocatedTotal += m.allocator.allocatedBytes() - before;
    }

    /**
     * Places up to {@code cfg.replicaNum()} replicas of {@code size} bytes on distinct segments and returns how many
     * it placed (0 when none fits); the placements are then {@link #placedSegment}, {@link #placedAllocation} and
     * {@link #placedOffset} until the next call. Every put places its replicas here, a million times a simulated
     * hour, so the answer is kept in this table's arrays rather than in a list of placement objects.
     */
    int place(final long size, final ReplicateConfig cfg, final AllocationStrategy strategy,
        final RandomGenerator random)
    {
        placed = 0;
        final MountedSegment[] order = ordered;
        final int want = cfg.replicaNum();
        final List<String> preferred = cfg.preferredSegments();
        for (int p = 0; p < preferred.size(); p++)
        {
            final String name = preferred.get(p);
            for (final MountedSegment m : order)
            {
                if (placed < want && m.segment.name().equals(name))
                {
                    tryPlace(m, size);
                }
            }
        }
        if (strategy == AllocationStrategy.LOCAL_FIRST && want == 1 && !cfg.hostId().isEmpty())
        {
            for (final MountedSegment m : order)
            {
                if (placed == 0 && m.segment.hostId().equals(cfg.hostId()))
                {
                    tryPlace(m, size);
                }
            }
        }
        if (strategy == AllocationStrategy.FREE_RATIO_FIRST && placed < want && order.length > 0)
        {
            final int window = Math.min(FREE_RATIO_SAMPLE_PER_REPLICA * (want - placed), order.length);
            final int start = random.nextInt(order.length);
            final List<MountedSegment> candidates = new ArrayList<>();
            for (int i = 0; i < window; i++)
            {
                candidates.add(order[(start + i) % order.length]);
            }
            candidates.sort(Comparator.comparingDouble(MountedSegment::freeRatio).reversed());
            for (final MountedSegment m : candidates)
            {
                if (placed < want)
                {
                    tryPlace(m, size);
                }
            }
        }
        if (placed < want && order.length > 0)
        {
            final int attempts = Math.min(MAX_ATTEMPTS, order.length);
            final int start = random.nextInt(order.length);
            for (int i = 0; i < attempts && placed < want; i++)
            {
                tryPlace(order[(start + i) % order.length], size);
            }
        }
        return placed;
    }

    /** The segment of placement {@code i} of the last {@link #place}. */
    MountedSegment placedSegment(final int i)
    {
        return placedSegments[i];
    }

    /** The allocator's handle of placement {@code i} of the last {@link #place}. */
    int placedAllocation(final int i)
    {
        return placedAllocations[i];
    }

    /** The offset in its segment of placement {@code i} of the last {@link #place}. */
    long placedOffset(final int i)
    {
        return placedOffsets[i];
    }

    private void tryPlace(final MountedSegment m, final long size)
    {
        for (int i = 0; i < placed; i++)
        {
            if (placedSegments[i] == m)
            {
                return;
            }
        }
        final long before = m.allocator.allocatedBytes();
        final int allocation = m.allocator.allocate(size);
        if (allocation >= 0)
        {
            allocatedTotal += m.allocator.allocatedBytes() - before;
            if (placed == placedSegments.length)
            {
                placedSegments = Arrays.copyOf(placedSegments, placed * 2);
                placedAllocations = Arrays.copyOf(placedAllocations, placed * 2);
                placedOffsets = Arrays.copyOf(placedOffsets, placed * 2);
            }
            placedSegments[placed] = m;
            placedAllocations[placed] = allocation;
            placedOffsets[placed] = m.allocator.offset(allocation);
            placed++;
        }
    }
}
