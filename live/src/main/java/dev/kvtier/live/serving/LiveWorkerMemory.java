package dev.kvtier.live.serving;

import dev.kvtier.live.client.SegmentMemory;
import dev.kvtier.model.engine.KvPages;
import dev.kvtier.model.engine.WorkerMemory;
import dev.kvtier.model.hicache.KvPagePattern;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.store.Segment;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A live worker's memory: staged, verified pages for L2 ↔ L3 ({@link StagedKvPages}) and, when the worker
 * contributes to the store (the Mooncake backend's {@code global_segment_size}), a populated shared-memory segment
 * named after the worker's data port (over TCP), as the reference client's. The device tier is counted, not
 * held: nothing transfers into it until PD hand-offs run live.
 */
final class LiveWorkerMemory implements WorkerMemory
{
    private final KvPagePattern pattern;
    private final String host;
    private final String segmentName;
    private final SegmentMemory segment;

    /**
     * Maps and populates the segment now, on the caller's thread: populating gigabytes takes seconds, which must
     * not be spent inside the node's start (its clock stands still during an input, so its first RPC deadline
     * would already have passed).
     *
     * @param host         the host the worker's data port is on (the segment's host id)
     * @param segmentName  the name the segment is published under (over TCP {@code host:port}, the data port)
     * @param segmentBytes the segment this worker contributes, 0 for none
     */
    LiveWorkerMemory(final KvPagePattern pattern, final String host, final String segmentName, final long segmentBytes,
        final Map<String, String> env)
    {
        this.pattern = pattern;
        this.host = host;
        this.segmentName = segmentName;
        this.segment = segmentBytes > 0 ? SegmentMemory.map(segmentBytes, env) : null;
    }

    @Override
    public long clientId(final int instance)
    {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    @Override
    public int device(final NodeContext ctx, final long bytes, final boolean exposed)
    {
        if (exposed)
        {
            throw new UnsupportedOperationException("PD decode instances do not run live yet");
        }
        return -1;
    }

    @Override
    public KvPages pages(final NodeContext ctx, final long pageBytes, final long hostBytes)
    {
        if (pageBytes != pattern.pageBytes())
        {
            throw new IllegalStateException("page pattern of " + pattern.pageBytes() + " bytes for pages of "
                + pageBytes);
        }
        return new StagedKvPages(ctx, pattern);
    }

    @Override
    public Contribution segment(final NodeContext ctx, final long clientId, final long bytes)
    {
        if (bytes <= 0)
        {
            return null;
        }
        if (segment == null || segment.length() != bytes)
        {
            throw new IllegalStateException("the worker asks for a segment of " + bytes + " bytes, "
                + (segment == null ? "none" : segment.length() + " bytes") + " were mapped");
        }
        final Segment s = new Segment(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), segmentName,
            segment.base(), bytes, clientId, host);
        return new Contribution(s, MemoryRegion.mapped(segment.base(), bytes, segment.file()));
    }

    /** Unmaps the segment (after the runtime has stopped). */
    void release()
    {
        if (segment != null)
        {
            segment.release();
        }
    }
}
