package dev.kvtier.model.store;

import dev.kvtier.model.store.SegmentTable.MountedSegment;
import dev.kvtier.model.store.SegmentTable.Placement;
import dev.kvtier.model.store.StoreObject.Replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The Mooncake master's metadata state machine: objects and their replicas, leases, pins, segment allocators,
 * watermark eviction and client liveness, with the reference's semantics and error codes. Every operation takes
 * the time as an argument and nothing here reads a clock or starts a thread, so {@link MasterNode} runs it
 * unchanged under the simulator and in a live process.
 */
public final class MasterService
{
    private final MasterConfig config;
    private final RandomGenerator random;
    private final SegmentTable segments = new SegmentTable();
    private final ObjectTable objects = new ObjectTable();
    private final WatermarkEviction.Scratch evictionScratch = new WatermarkEviction.Scratch();
    private final TreeMap<Long, Long> clientDeadlines = new TreeMap<>();
    private final TreeSet<Long> okClients = new TreeSet<>();
    private final List<Replica> discarded = new ArrayList<>();
    private final List<Long> discardedReleaseAt = new ArrayList<>();
    private final MasterCounters counters = new MasterCounters();
    private boolean needMemEviction;

    public MasterService(final MasterConfig config, final RandomGenerator random)
    {
        this.config = config;
        this.random = random;
    }

    public MasterConfig config()
    {
        return config;
    }

    public MasterCounters counters()
    {
        return counters;
    }

    // ---- writes -----------------------------------------------------------------------------------------------

    /** Allocates replicas for a new object; they stay PROCESSING until {@link #putEnd}. */
    public Result<List<ReplicaDescriptor>> putStart(final long clientId, final String key, final long length,
        final ReplicateConfig cfg, final long nowMs)
    {
        counters.putStart++;
        if (key == null || key.isEmpty() || length <= 0 || cfg.replicaNum() <= 0 || cfg.softPinTtlMs() < 0
            || cfg.softPinTtlMs() > config.maxKvSoftPinTtlMs())
        {
            return Result.fail(ErrorCode.INVALID_PARAMS);
        }
        final StoreObject existing = objects.get(key);
        if (existing != null)
        {
            if (existing.hasComplete() || existing.putStartTimeMs + config.putStartDiscardTimeoutMs() >= nowMs)
            {
                return Result.fail(ErrorCode.OBJECT_ALREADY_EXISTS);
            }
            for (final Replica r : existing)
            {
                discarded.add(r);
                discardedReleaseAt.add(existing.putStartTimeMs + config.putStartReleaseTimeoutMs());
            }
            counters.putStartDiscarded++;
            objects.remove(key);
        }
        final List<Placement> placed = segments.place(length, cfg, config.allocationStrategy(), random);
        if (placed.isEmpty())
        {
            counters.putStartAllocFailures++;
            if (segments.count() >= cfg.replicaNum())
            {
                needMemEviction = true;
            }
            return Result.fail(ErrorCode.NO_AVAILABLE_HANDLE);
        }
        final StoreObject o = new StoreObject(key, clientId, length, nowMs, cfg.hardPin(), cfg.softPinTtlMs());
        for (final Placement p : placed)
        {
            o.add(new Replica(p.segment().segment.id(), p.allocation(), p.offset(), p.size()));
        }
        objects.put(o);
        return Result.ok(describe(o, false));
    }

    /** Marks the writer's replicas COMPLETE; the object becomes readable and, with no lease, evictable at once. */
    public Result<Void> putEnd(final long clientId, final String key, final long nowMs)
    {
        final StoreObject o = objects.get(key);
        final ErrorCode denied = writerCheck(o, clientId);
        if (denied != ErrorCode.OK)
        {
            return Result.fail(denied);
        }
        if (!o.hasProcessing())
        {
            return o.allComplete() ? Result.ok(null) : Result.fail(ErrorCode.INVALID_WRITE);
        }
        for (final Replica r : o)
        {
            r.status = ReplicaStatus.COMPLETE;
        }
        objects.refreshComplete(o);
        if (o.softPinTtlMs > 0)
        {
            objects.softPin(o, nowMs + o.softPinTtlMs);
        }
        objects.lease(o, Math.max(o.leaseTimeoutMs, nowMs));
        return Result.ok(null);
    }

    /** Abandons an unfinished write: its PROCESSING replicas are freed at once. */
    public Result<Void> putRevoke(final long clientId, final String key, final long nowMs)
    {
        final StoreObject o = objects.get(key);
        final ErrorCode denied = writerCheck(o, clientId);
        if (denied != ErrorCode.OK)
        {
            return Result.fail(denied);
        }
        if (!o.hasProcessing())
        {
            return Result.fail(ErrorCode.INVALID_WRITE);
        }
        o.removeIf(r ->
        {
            if (r.status == ReplicaStatus.PROCESSING)
            {
                free(r);
                return true;
            }
            return false;
        });
        objects.refreshComplete(o);
        if (o.isEmpty())
        {
            objects.remove(key);
        }
        return Result.ok(null);
    }

    /** Only the client that started a write may end or revoke it. */
    private static ErrorCode writerCheck(final StoreObject o, final long clientId)
    {
        if (o == null)
        {
            return ErrorCode.OBJECT_NOT_FOUND;
        }
        return o.clientId == clientId ? ErrorCode.OK : ErrorCode.ILLEGAL_CLIENT;
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    /** Readable replicas of a key; grants a read lease of {@code default_kv_lease_ttl}. */
    public Result<List<ReplicaDescriptor>> getReplicaList(final String key, final long nowMs)
    {
        counters.getReplicaList++;
        final StoreObject o = objects.get(key);
        if (o == null || o.isEmpty())
        {
            return Result.fail(ErrorCode.OBJECT_NOT_FOUND);
        }
        if (!o.anyComplete)
        {
            return Result.fail(ErrorCode.REPLICA_IS_NOT_READY);
        }
        grantLease(o, nowMs);
        counters.memCacheHits++;
        return Result.ok(describe(o, true));
    }

    /** Whether a readable replica exists; grants a lease, as upstream does, unless {@code grantLease} is false. */
    public boolean existKey(final String key, final long nowMs, final boolean grantLease)
    {
        counters.existKey++;
        final StoreObject o = objects.get(key);
        if (o == null || !o.anyComplete)
        {
            return false;
        }
        if (grantLease)
        {
            grantLease(o, nowMs);
        }
        return true;
    }

    public List<Boolean> batchExistKey(final List<String> keys, final long nowMs)
    {
        final List<Boolean> out = new ArrayList<>(keys.size());
        for (final String k : keys)
        {
            out.add(existKey(k, nowMs, true));
        }
        return out;
    }

    /** Object size in bytes, without granting a lease (an admin-style query). */
    public Result<Long> getSize(final String key)
    {
        final StoreObject o = objects.get(key);
        return o == null || !o.hasComplete() ? Result.fail(ErrorCode.OBJECT_NOT_FOUND) : Result.ok(o.size);
    }

    private void grantLease(final StoreObject o, final long nowMs)
    {
        objects.lease(o, Math.max(o.leaseTimeoutMs, nowMs + config.defaultKvLeaseTtlMs()));
    }

    // ---- removal ----------------------------------------------------------------------------------------------

    /** Removes one object; a lease (or hard pin) blocks it unless forced, and unfinished writes always do. */
    public Result<Void> remove(final String key, final boolean force, final long nowMs)
    {
        final StoreObject o = objects.get(key);
        if (o == null)
        {
            return Result.fail(ErrorCode.OBJECT_NOT_FOUND);
        }
        if (!force && (o.leaseActive(nowMs) || o.hardPin))
        {
            return Result.fail(ErrorCode.OBJECT_HAS_LEASE);
        }
        if (!o.allComplete())
        {
            return Result.fail(ErrorCode.REPLICA_IS_NOT_READY);
        }
        drop(o);
        return Result.ok(null);
    }

    /** Removes every key matching the regex that {@link #remove} would remove; returns how many. */
    public long removeByRegex(final String regex, final boolean force, final long nowMs)
    {
        final Pattern p = Pattern.compile(regex);
        long n = 0;
        for (final String key : objects.keySnapshot())
        {
            if (p.matcher(key).matches() && remove(key, force, nowMs).isOk())
            {
                n++;
            }
        }
        return n;
    }

    /** Removes every complete object whose lease expired (every complete object with force); hard pins too. */
    public long removeAll(final boolean force, final long nowMs)
    {
        long n = 0;
        for (final StoreObject o : objects.snapshot())
        {
            if (o.allComplete() && (force || !o.leaseActive(nowMs)))
            {
                drop(o);
                n++;
            }
        }
        return n;
    }

    // ---- batch variants: per-key results, in key order ---------------------------------------------------------

    public List<Result<List<ReplicaDescriptor>>> batchPutStart(final long clientId, final List<String> keys,
        final List<Long> lengths, final ReplicateConfig cfg, final long nowMs)
    {
        final List<Result<List<ReplicaDescriptor>>> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++)
        {
            out.add(putStart(clientId, keys.get(i), lengths.get(i), cfg, nowMs));
        }
        return out;
    }

    public List<Result<Void>> batchPutEnd(final long clientId, final List<String> keys, final long nowMs)
    {
        final List<Result<Void>> out = new ArrayList<>(keys.size());
        for (final String k : keys)
        {
            out.add(putEnd(clientId, k, nowMs));
        }
        return out;
    }

    public List<Result<Void>> batchPutRevoke(final long clientId, final List<String> keys, final long nowMs)
    {
        final List<Result<Void>> out = new ArrayList<>(keys.size());
        for (final String k : keys)
        {
            out.add(putRevoke(clientId, k, nowMs));
        }
        return out;
    }

    public List<Result<List<ReplicaDescriptor>>> batchGetReplicaList(final List<String> keys, final long nowMs)
    {
        final List<Result<List<ReplicaDescriptor>>> out = new ArrayList<>(keys.size());
        for (final String k : keys)
        {
            out.add(getReplicaList(k, nowMs));
        }
        return out;
    }

    public List<Result<Void>> batchRemove(final List<String> keys, final boolean force, final long nowMs)
    {
        final List<Result<Void>> out = new ArrayList<>(keys.size());
        for (final String k : keys)
        {
            out.add(remove(k, force, nowMs));
        }
        return out;
    }

    // ---- segments and clients ---------------------------------------------------------------------------------

    /** Mounts a segment; mounting it again is a success. The client is not live until it remounts. */
    public Result<Void> mountSegment(final Segment segment, final long clientId, final long nowMs)
    {
        if (segment.size() <= 0)
        {
            return Result.fail(ErrorCode.INVALID_PARAMS);
        }
        segments.mount(segment);
        clientDeadlines.put(clientId, nowMs + config.clientTtlMs());
        return Result.ok(null);
    }

    /** Re-adopts a client's segments and puts it in the live set, as after a NEED_REMOUNT ping. */
    public Result<Void> remountSegments(final List<Segment> list, final long clientId, final long nowMs)
    {
        for (final Segment s : list)
        {
            if (s.size() <= 0)
            {
                return Result.fail(ErrorCode.INVALID_PARAMS);
            }
            segments.mount(s);
        }
        okClients.add(clientId);
        clientDeadlines.put(clientId, nowMs + config.clientTtlMs());
        return Result.ok(null);
    }

    /** Unmounts a segment (idempotent): its allocator goes, and every replica on it with it. */
    public Result<Void> unmountSegment(final long segmentId, final long clientId)
    {
        final MountedSegment m = segments.get(segmentId);
        if (m == null)
        {
            return Result.ok(null);
        }
        if (m.segment.clientId() != clientId)
        {
            return Result.fail(ErrorCode.ILLEGAL_CLIENT);
        }
        unmount(segmentId);
        return Result.ok(null);
    }

    /** Refreshes the client's deadline; NEED_REMOUNT for any client not in the live set. */
    public ClientStatus ping(final long clientId, final long nowMs)
    {
        clientDeadlines.put(clientId, nowMs + config.clientTtlMs());
        return okClients.contains(clientId) ? ClientStatus.OK : ClientStatus.NEED_REMOUNT;
    }

    /** Expires clients whose TTL passed: they leave the live set and their segments are unmounted. */
    public List<Long> expireClients(final long nowMs)
    {
        return expireClients(nowMs, new ArrayList<>());
    }

    /** As {@link #expireClients(long)}, also collecting the segments the expiry unmounted into {@code unmounted}. */
    public List<Long> expireClients(final long nowMs, final List<Segment> unmounted)
    {
        final List<Long> expired = new ArrayList<>();
        for (final Map.Entry<Long, Long> e : new ArrayList<>(clientDeadlines.entrySet()))
        {
            if (e.getValue() < nowMs)
            {
                final long client = e.getKey();
                clientDeadlines.remove(client);
                okClients.remove(client);
                for (final Segment s : segments.ofClient(client))
                {
                    unmount(s.id());
                    unmounted.add(s);
                }
                expired.add(client);
            }
        }
        return expired;
    }

    private void unmount(final long segmentId)
    {
        segments.unmount(segmentId);
        for (final StoreObject o : objects.snapshot())
        {
            if (o.removeIf(r -> r.segmentId == segmentId))
            {
                objects.refreshComplete(o);
                if (o.isEmpty())
                {
                    objects.remove(o.key);
                }
            }
        }
        for (int i = discarded.size() - 1; i >= 0; i--)
        {
            if (discarded.get(i).segmentId == segmentId)
            {
                discarded.remove(i);
                discardedReleaseAt.remove(i);
            }
        }
    }

    // ---- eviction ---------------------------------------------------------------------------------------------

    /** One pass of the eviction thread (every 10 ms upstream); returns the number of objects evicted. */
    public int evict(final long nowMs)
    {
        final long capacity = segments.capacityBytes();
        final double used = capacity == 0 ? 0 : (double)segments.allocatedBytes() / capacity;
        final boolean triggered = used > config.evictionHighWatermarkRatio()
            || (needMemEviction && config.evictionRatio() > 0);
        if (!triggered)
        {
            releaseDiscarded(nowMs);
            return 0;
        }
        counters.evictionAttempts++;
        final WatermarkEviction plan = WatermarkEviction.plan(objects, used, config, nowMs, evictionScratch);
        for (final StoreObject o : plan.victims())
        {
            counters.evictedKeys++;
            counters.evictedBytes += o.size;
            drop(o);
        }
        if (!plan.victims().isEmpty())
        {
            counters.evictionSuccesses++;
        }
        releaseDiscarded(nowMs);
        needMemEviction = false;
        return plan.victims().size();
    }

    private void releaseDiscarded(final long nowMs)
    {
        for (int i = discarded.size() - 1; i >= 0; i--)
        {
            if (discardedReleaseAt.get(i) <= nowMs)
            {
                free(discarded.remove(i));
                discardedReleaseAt.remove(i);
                counters.putStartReleased++;
            }
        }
    }

    // ---- helpers and introspection ----------------------------------------------------------------------------

    private void drop(final StoreObject o)
    {
        for (final Replica r : o)
        {
            free(r);
        }
        o.clear();
        o.refreshComplete();
        objects.remove(o.key);
    }

    private void free(final Replica r)
    {
        final MountedSegment m = segments.get(r.segmentId);
        if (m != null)
        {
            m.allocator.free(r.allocation);
        }
    }

    private List<ReplicaDescriptor> describe(final StoreObject o, final boolean readableOnly)
    {
        final List<ReplicaDescriptor> out = new ArrayList<>();
        for (final Replica r : o)
        {
            final MountedSegment m = segments.get(r.segmentId);
            if (m != null && (!readableOnly || r.status == ReplicaStatus.COMPLETE))
            {
                out.add(new ReplicaDescriptor(m.segment.name(), m.segment.base() + r.offset, r.size, r.status));
            }
        }
        return out;
    }

    public int keyCount()
    {
        return objects.size();
    }

    public long allocatedBytes()
    {
        return segments.allocatedBytes();
    }

    public long capacityBytes()
    {
        return segments.capacityBytes();
    }

    public int segmentCount()
    {
        return segments.count();
    }

    public int liveClients()
    {
        return okClients.size();
    }

    /** Every replica of a key, readable or not (admin view, no lease). */
    public List<ReplicaDescriptor> queryKey(final String key)
    {
        final StoreObject o = objects.get(key);
        return o == null ? List.of() : describe(o, false);
    }

    /** Mounted segments in mount order. */
    public List<Segment> allSegments()
    {
        final List<Segment> out = new ArrayList<>();
        for (final MountedSegment m : segments.all())
        {
            out.add(m.segment);
        }
        return out;
    }

    /** Whether a key's lease is active now. */
    public boolean leaseActive(final String key, final long nowMs)
    {
        final StoreObject o = objects.get(key);
        return o != null && o.leaseActive(nowMs);
    }
}
