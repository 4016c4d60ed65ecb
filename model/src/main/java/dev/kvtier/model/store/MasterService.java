package dev.kvtier.model.store;

import dev.kvtier.model.store.SegmentTable.MountedSegment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
    private final ClientLiveness clients;
    /** Replicas of writes preempted after put_start_discard_timeout, freed at their release time. */
    private final List<DiscardedReplica> discarded = new ArrayList<>();
    private final MasterCounters counters = new MasterCounters();
    private boolean needMemEviction;

    /** A preempted write's replica, still allocated until {@code releaseAtMs}. */
    private record DiscardedReplica(long segmentId, int allocation, long releaseAtMs)
    {
    }

    public MasterService(final MasterConfig config, final RandomGenerator random)
    {
        this.config = config;
        this.random = random;
        this.clients = new ClientLiveness(config.clientTtlMs());
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
    public Result<List<ReplicaDescriptor>> putStart(final long clientId, final StoreKey key, final long length,
        final ReplicateConfig cfg, final long nowMs)
    {
        counters.putStart++;
        if (key == null || key.isEmpty() || length <= 0 || cfg.replicaNum() <= 0 || cfg.softPinTtlMs() < 0
            || cfg.softPinTtlMs() > config.maxKvSoftPinTtlMs())
        {
            return Result.fail(ErrorCode.INVALID_PARAMS);
        }
        final int existing = objects.find(key);
        if (existing >= 0)
        {
            final long started = objects.putStartMs(existing);
            if (objects.anyReplica(existing, ReplicaStatus.COMPLETE)
                || started + config.putStartDiscardTimeoutMs() >= nowMs)
            {
                return Result.fail(ErrorCode.OBJECT_ALREADY_EXISTS);
            }
            final ReplicaPool pool = objects.replicas();
            for (int e = objects.firstReplica(existing); e != ReplicaPool.NONE; e = pool.next(e))
            {
                discarded.add(new DiscardedReplica(pool.segmentId(e), pool.allocation(e),
                    started + config.putStartReleaseTimeoutMs()));
            }
            counters.putStartDiscarded++;
            objects.remove(existing);
        }
        final int placed = segments.place(length, cfg, config.allocationStrategy(), random);
        if (placed == 0)
        {
            counters.putStartAllocFailures++;
            if (segments.count() >= cfg.replicaNum())
            {
                needMemEviction = true;
            }
            return Result.fail(ErrorCode.NO_AVAILABLE_HANDLE);
        }
        final int row = objects.insert(key, clientId, length, nowMs, cfg.hardPin(), cfg.softPinTtlMs());
        for (int i = 0; i < placed; i++)
        {
            objects.addReplica(row, segments.placedSegment(i).segment.id(), segments.placedAllocation(i),
                segments.placedOffset(i));
        }
        objects.refreshComplete(row);
        return Result.ok(describe(row, false));
    }

    /** Marks the writer's replicas COMPLETE; the object becomes readable and, with no lease, evictable at once. */
    public Result<Void> putEnd(final long clientId, final StoreKey key, final long nowMs)
    {
        final int row = objects.find(key);
        final ErrorCode denied = writerCheck(row, clientId);
        if (denied != ErrorCode.OK)
        {
            return Result.fail(denied);
        }
        if (!objects.anyReplica(row, ReplicaStatus.PROCESSING))
        {
            return objects.hasFlag(row, ObjectTable.COMPLETE) ? Result.ok(null) : Result.fail(ErrorCode.INVALID_WRITE);
        }
        final ReplicaPool pool = objects.replicas();
        for (int e = objects.firstReplica(row); e != ReplicaPool.NONE; e = pool.next(e))
        {
            pool.status(e, ReplicaStatus.COMPLETE);
        }
        objects.refreshComplete(row);
        final long softPinTtlMs = objects.softPinTtlMs(row);
        if (softPinTtlMs > 0)
        {
            objects.softPin(row, nowMs + softPinTtlMs);
        }
        objects.lease(row, Math.max(objects.leaseMs(row), nowMs));
        return Result.ok(null);
    }

    /** Abandons an unfinished write: its PROCESSING replicas are freed at once. */
    public Result<Void> putRevoke(final long clientId, final StoreKey key, final long nowMs)
    {
        final int row = objects.find(key);
        final ErrorCode denied = writerCheck(row, clientId);
        if (denied != ErrorCode.OK)
        {
            return Result.fail(denied);
        }
        if (!objects.anyReplica(row, ReplicaStatus.PROCESSING))
        {
            return Result.fail(ErrorCode.INVALID_WRITE);
        }
        final ReplicaPool pool = objects.replicas();
        objects.removeReplicasIf(row, e ->
        {
            if (pool.status(e) == ReplicaStatus.PROCESSING)
            {
                free(pool.segmentId(e), pool.allocation(e));
                return true;
            }
            return false;
        });
        objects.refreshComplete(row);
        if (objects.replicaCount(row) == 0)
        {
            objects.remove(row);
        }
        return Result.ok(null);
    }

    /** Only the client that started a write may end or revoke it. */
    private ErrorCode writerCheck(final int row, final long clientId)
    {
        if (row < 0)
        {
            return ErrorCode.OBJECT_NOT_FOUND;
        }
        return objects.clientId(row) == clientId ? ErrorCode.OK : ErrorCode.ILLEGAL_CLIENT;
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    /** Readable replicas of a key; grants a read lease of {@code default_kv_lease_ttl}. */
    public Result<List<ReplicaDescriptor>> getReplicaList(final StoreKey key, final long nowMs)
    {
        counters.getReplicaList++;
        final int row = objects.find(key);
        if (row < 0 || objects.replicaCount(row) == 0)
        {
            return Result.fail(ErrorCode.OBJECT_NOT_FOUND);
        }
        if (!objects.hasFlag(row, ObjectTable.ANY_COMPLETE))
        {
            return Result.fail(ErrorCode.REPLICA_IS_NOT_READY);
        }
        grantLease(row, nowMs);
        counters.memCacheHits++;
        return Result.ok(describe(row, true));
    }

    /** Whether a readable replica exists; grants a lease, as upstream does, unless {@code grantLease} is false. */
    public boolean existKey(final StoreKey key, final long nowMs, final boolean grantLease)
    {
        counters.existKey++;
        final int row = objects.find(key);
        if (row < 0 || !objects.hasFlag(row, ObjectTable.ANY_COMPLETE))
        {
            return false;
        }
        if (grantLease)
        {
            grantLease(row, nowMs);
        }
        return true;
    }

    public List<Boolean> batchExistKey(final List<StoreKey> keys, final long nowMs)
    {
        objects.warm(keys);
        final List<Boolean> out = new ArrayList<>(keys.size());
        for (final StoreKey k : keys)
        {
            out.add(existKey(k, nowMs, true));
        }
        return out;
    }

    /** Object size in bytes, without granting a lease (an admin-style query). */
    public Result<Long> getSize(final StoreKey key)
    {
        final int row = objects.find(key);
        return row < 0 || !objects.hasFlag(row, ObjectTable.ANY_COMPLETE) ? Result.fail(ErrorCode.OBJECT_NOT_FOUND)
            : Result.ok(objects.size(row));
    }

    private void grantLease(final int row, final long nowMs)
    {
        objects.lease(row, Math.max(objects.leaseMs(row), nowMs + config.defaultKvLeaseTtlMs()));
    }

    // ---- removal ----------------------------------------------------------------------------------------------

    /** Removes one object; a lease (or hard pin) blocks it unless forced, and unfinished writes always do. */
    public Result<Void> remove(final StoreKey key, final boolean force, final long nowMs)
    {
        final int row = objects.find(key);
        if (row < 0)
        {
            return Result.fail(ErrorCode.OBJECT_NOT_FOUND);
        }
        if (!force && (objects.leaseMs(row) > nowMs || objects.hasFlag(row, ObjectTable.HARD_PIN)))
        {
            return Result.fail(ErrorCode.OBJECT_HAS_LEASE);
        }
        if (!objects.hasFlag(row, ObjectTable.COMPLETE))
        {
            return Result.fail(ErrorCode.REPLICA_IS_NOT_READY);
        }
        drop(row);
        return Result.ok(null);
    }

    /** Removes every key matching the regex that {@link #remove} would remove; returns how many. */
    public long removeByRegex(final String regex, final boolean force, final long nowMs)
    {
        final Pattern p = Pattern.compile(regex);
        long n = 0;
        for (final StoreKey key : objects.keySnapshot())
        {
            if (p.matcher(key.toString()).matches() && remove(key, force, nowMs).isOk())
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
        for (final StoreKey key : objects.keySnapshot())
        {
            final int row = objects.find(key);
            if (objects.hasFlag(row, ObjectTable.COMPLETE) && (force || objects.leaseMs(row) <= nowMs))
            {
                drop(row);
                n++;
            }
        }
        return n;
    }

    // ---- batch variants: per-key results, in key order ---------------------------------------------------------

    public List<Result<List<ReplicaDescriptor>>> batchPutStart(final long clientId, final List<StoreKey> keys,
        final List<Long> lengths, final ReplicateConfig cfg, final long nowMs)
    {
        objects.warm(keys);
        final List<Result<List<ReplicaDescriptor>>> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++)
        {
            out.add(putStart(clientId, keys.get(i), lengths.get(i), cfg, nowMs));
        }
        return out;
    }

    public List<Result<Void>> batchPutEnd(final long clientId, final List<StoreKey> keys, final long nowMs)
    {
        objects.warm(keys);
        final List<Result<Void>> out = new ArrayList<>(keys.size());
        for (final StoreKey k : keys)
        {
            out.add(putEnd(clientId, k, nowMs));
        }
        return out;
    }

    public List<Result<Void>> batchPutRevoke(final long clientId, final List<StoreKey> keys, final long nowMs)
    {
        objects.warm(keys);
        final List<Result<Void>> out = new ArrayList<>(keys.size());
        for (final StoreKey k : keys)
        {
            out.add(putRevoke(clientId, k, nowMs));
        }
        return out;
    }

    public List<Result<List<ReplicaDescriptor>>> batchGetReplicaList(final List<StoreKey> keys, final long nowMs)
    {
        objects.warm(keys);
        final List<Result<List<ReplicaDescriptor>>> out = new ArrayList<>(keys.size());
        for (final StoreKey k : keys)
        {
            out.add(getReplicaList(k, nowMs));
        }
        return out;
    }

    public List<Result<Void>> batchRemove(final List<StoreKey> keys, final boolean force, final long nowMs)
    {
        objects.warm(keys);
        final List<Result<Void>> out = new ArrayList<>(keys.size());
        for (final StoreKey k : keys)
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
        replaceSameName(segment);
        segments.mount(segment);
        clients.heardFrom(clientId, nowMs);
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
            replaceSameName(s);
            segments.mount(s);
        }
        clients.remounted(clientId, nowMs);
        return Result.ok(null);
    }

    /**
     * Unmounts every other segment mounted under {@code s}'s name (with its replicas). A segment's name is the
     * address its bytes are read at ({@code host:port}), which one process serves at a time: a new segment under a
     * mounted name is a store restarted on its old address, whose predecessor died before its TTL expired. Its
     * replicas point into memory the new process does not have, or (mapped at the same address) now gives to new
     * objects: reads of them would fail, or return another object's bytes, until the TTL expired.
     */
    private void replaceSameName(final Segment s)
    {
        for (final SegmentTable.MountedSegment m : segments.all())
        {
            if (m.segment.id() != s.id() && m.segment.name().equals(s.name()))
            {
                unmount(m.segment.id());
            }
        }
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
        clients.heardFrom(clientId, nowMs);
        return clients.isOk(clientId) ? ClientStatus.OK : ClientStatus.NEED_REMOUNT;
    }

    /** Expires clients whose TTL passed: they leave the live set and their segments are unmounted. */
    public List<Long> expireClients(final long nowMs)
    {
        return expireClients(nowMs, new ArrayList<>());
    }

    /** As {@link #expireClients(long)}, also collecting the segments the expiry unmounted into {@code unmounted}. */
    public List<Long> expireClients(final long nowMs, final List<Segment> unmounted)
    {
        final List<Long> expired = clients.expire(nowMs);
        for (final long client : expired)
        {
            for (final Segment s : segments.ofClient(client))
            {
                unmount(s.id());
                unmounted.add(s);
            }
        }
        return expired;
    }

    private void unmount(final long segmentId)
    {
        segments.unmount(segmentId);
        final ReplicaPool pool = objects.replicas();
        for (final StoreKey key : objects.keySnapshot())
        {
            final int row = objects.find(key);
            if (objects.removeReplicasIf(row, e -> pool.segmentId(e) == segmentId) > 0)
            {
                objects.refreshComplete(row);
                if (objects.replicaCount(row) == 0)
                {
                    objects.remove(row);
                }
            }
        }
        discarded.removeIf(d -> d.segmentId() == segmentId);
    }

    // ---- eviction ---------------------------------------------------------------------------------------------

    /** One pass of the eviction thread (every 10 ms upstream); returns the number of objects evicted. */
    public int evict(final long nowMs)
    {
        final long capacity = segments.capacityBytes();
        final double used = capacity == 0 ? 0 : (double)segments.allocatedBytes() / capacity;
        if (!evictionTriggered(used))
        {
            releaseDiscarded(nowMs);
            return 0;
        }
        counters.evictionAttempts++;
        final WatermarkEviction plan = WatermarkEviction.plan(objects, used, config, nowMs, evictionScratch);
        final List<StoreKey> victims = plan.victims();
        for (int v = 0; v < victims.size(); v++)
        {
            final StoreKey key = victims.get(v);
            // keys are unique in the table, so the planned row still holds this key unless it moved
            final int planned = plan.rows()[v];
            final int row = planned < objects.size() && objects.holds(planned, key) ? planned : objects.find(key);
            counters.evictedKeys++;
            counters.evictedBytes += objects.size(row);
            drop(row);
        }
        if (!plan.victims().isEmpty())
        {
            counters.evictionSuccesses++;
        }
        releaseDiscarded(nowMs);
        needMemEviction = false;
        return plan.victims().size();
    }

    /**
     * Whether a pass at any later instant could change something: usage over the high watermark, a put that found
     * no room, or a discarded replica waiting for its release. While false, passes are no-ops, whatever the clock.
     */
    public boolean evictionDue()
    {
        if (!discarded.isEmpty())
        {
            return true;
        }
        final long capacity = segments.capacityBytes();
        return evictionTriggered(capacity == 0 ? 0 : (double)segments.allocatedBytes() / capacity);
    }

    private boolean evictionTriggered(final double used)
    {
        return used > config.evictionHighWatermarkRatio() || (needMemEviction && config.evictionRatio() > 0);
    }

    private void releaseDiscarded(final long nowMs)
    {
        for (int i = discarded.size() - 1; i >= 0; i--)
        {
            final DiscardedReplica d = discarded.get(i);
            if (d.releaseAtMs() <= nowMs)
            {
                discarded.remove(i);
                free(d.segmentId(), d.allocation());
                counters.putStartReleased++;
            }
        }
    }

    // ---- keys named by strings, as an operator (the admin service's queryKey) or a test names them; the wire turns
    // its strings into StoreKeys in MasterRequest and the codec. Each is the StoreKey operation, nothing more. ------

    public Result<List<ReplicaDescriptor>> putStart(final long clientId, final String key, final long length,
        final ReplicateConfig cfg, final long nowMs)
    {
        return putStart(clientId, key == null ? null : StoreKey.of(key), length, cfg, nowMs);
    }

    public Result<Void> putEnd(final long clientId, final String key, final long nowMs)
    {
        return putEnd(clientId, StoreKey.of(key), nowMs);
    }

    public Result<Void> putRevoke(final long clientId, final String key, final long nowMs)
    {
        return putRevoke(clientId, StoreKey.of(key), nowMs);
    }

    public Result<List<ReplicaDescriptor>> getReplicaList(final String key, final long nowMs)
    {
        return getReplicaList(StoreKey.of(key), nowMs);
    }

    public boolean existKey(final String key, final long nowMs, final boolean grantLease)
    {
        return existKey(StoreKey.of(key), nowMs, grantLease);
    }

    public Result<Long> getSize(final String key)
    {
        return getSize(StoreKey.of(key));
    }

    public Result<Void> remove(final String key, final boolean force, final long nowMs)
    {
        return remove(StoreKey.of(key), force, nowMs);
    }

    public List<ReplicaDescriptor> queryKey(final String key)
    {
        return queryKey(StoreKey.of(key));
    }

    public boolean leaseActive(final String key, final long nowMs)
    {
        return leaseActive(StoreKey.of(key), nowMs);
    }

    // ---- helpers and introspection ----------------------------------------------------------------------------

    private void drop(final int row)
    {
        final ReplicaPool pool = objects.replicas();
        for (int e = objects.firstReplica(row); e != ReplicaPool.NONE; e = pool.next(e))
        {
            free(pool.segmentId(e), pool.allocation(e));
        }
        objects.remove(row);
    }

    private void free(final long segmentId, final int allocation)
    {
        final MountedSegment m = segments.get(segmentId);
        if (m != null)
        {
            segments.free(m, allocation);
        }
    }

    private List<ReplicaDescriptor> describe(final int row, final boolean readableOnly)
    {
        final List<ReplicaDescriptor> out = new ArrayList<>(objects.replicaCount(row));
        final ReplicaPool pool = objects.replicas();
        final long size = objects.size(row);
        for (int e = objects.firstReplica(row); e != ReplicaPool.NONE; e = pool.next(e))
        {
            final MountedSegment m = segments.get(pool.segmentId(e));
            final ReplicaStatus status = pool.status(e);
            if (m != null && (!readableOnly || status == ReplicaStatus.COMPLETE))
            {
                out.add(new ReplicaDescriptor(m.segment.name(), m.segment.base() + pool.offset(e), size, status));
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
        return clients.okCount();
    }

    /** Every key in the table, sorted (a read-only view for comparing two masters' states). */
    public List<String> keys()
    {
        final List<String> out = StoreKey.texts(objects.keySnapshot());
        Collections.sort(out);
        return out;
    }

    /** Every replica of a key, readable or not (admin view, no lease). */
    public List<ReplicaDescriptor> queryKey(final StoreKey key)
    {
        final int row = objects.find(key);
        return row < 0 ? List.of() : describe(row, false);
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
    public boolean leaseActive(final StoreKey key, final long nowMs)
    {
        final int row = objects.find(key);
        return row >= 0 && objects.leaseMs(row) > nowMs;
    }
}
