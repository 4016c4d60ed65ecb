package dev.kvtier.model.hicache;

import dev.kvtier.model.primitive.PageSlotMap;

import java.util.Arrays;

/**
 * One instance's L1/L2 cache with SGLang HiRadixCache semantics, kept per page: every page of a cached prefix is a
 * tree node (SGLang's tree with each node split at page boundaries, which is how matching, eviction and write
 * policies see it anyway). A node is on the device, on the host, or both; L1 evicts device leaves (a backed-up one
 * becomes host-only, one that is not is deleted, or written to host first under write_back); L2 evicts host-only
 * leaves that nothing pins. Both tiers are LRU by default: every access touches a chain deepest page first, so a
 * parent is always more recent than its children and the least recent page of a tier is one of its leaves. A
 * {@link RadixEvictionPolicy} given at construction changes that order (FIFO: an access does not renew a page, so
 * eviction may step over older internal pages to reach a leaf; LFU: fewest hits first, where a hit is an insert
 * ({@link #insert}, SGLang's {@code _inc_hit_count}), not a match).
 *
 * <p>Capacity is counted in pages: tree pages on each tier plus reservations (a running request's private device
 * slots, an ongoing prefetch's host slots).
 *
 * <p>Under {@link WritePolicy#BOUNDARY_L1_L2} the host tier is a prefix-closed extension of the device tree: a
 * host-only page's parent always has a host copy, so whatever L1 drops can be loaded back from L2 without a gap.
 * Request pages are all written to host, L2 evicts duplicates (device and host copy, no child on host) before host
 * -only leaves, and L1 eviction demotes a page to L2 (giving its device-only parent a host copy first) instead of
 * deleting it; the rules are in {@code docs/hicache-boundary.md}. Its L1/L2 logic shares this class with the other
 * policies because it reads and moves the same per-page state; that is why the class is longer than most.
 */
public final class HiRadixCache
{
    private static final int ON_DEVICE = 1;
    private static final int ON_HOST = 2;
    /**
     * A slot's fields, as offsets in its {@link #NODE}-int run of {@code node}: one slot's fields share a cache line
     * or two, so a step of a walk or an eviction reads one line for the slot, not one per field.
     */
    private static final int PARENT = 0;
    /** The tier flags in the low 2 bits, the hit count (up to 2^29) above them, in steps of {@link #HIT}. */
    private static final int FLAGS = 1;
    private static final int LOCK_REF = 2;
    private static final int HOST_REF = 3;
    private static final int PAGE = 4;
    private static final int DEVICE_CHILDREN = 5;
    private static final int TREE_CHILDREN = 6;
    private static final int HOST_CHILDREN = 7;
    private static final int NODE = 8;
    /** One hit in the {@link #FLAGS} field. */
    private static final int HIT = 4;
    /** A held touch of {@link #setDevice}: the device order's touch and offer. */
    private static final int HELD_DEVICE = 0;
    /** A held touch of {@link #newSlot} under boundary_l1_l2: both host orders' stamps. */
    private static final int HELD_HOST_STAMP = 1;
    /** {@link #hostVictim}: not evictable from L2 now. */
    private static final int NOT_A_VICTIM = 0;
    /** {@link #hostVictim}: a host-only leaf, unpinned and unlocked. */
    private static final int HOST_LEAF = 1;
    /** {@link #hostVictim}: boundary_l1_l2's duplicate, a host copy of a device page with no child on host. */
    private static final int DUPLICATE = 2;
    private static final int NONE = -1;
    private static final int INITIAL_SLOTS = 1024;

    private final int deviceCapacity;
    private final int hostCapacity;
    private final WritePolicy writePolicy;
    private final int writeThreshold;
    private final boolean boundary;
    private final boolean renewOnAccess;
    private final boolean countKeyed;
    private final boolean countsHits;
    private final int pageIds;
    private PageSlotMap index;

    /** Each slot's fields side by side, {@value #NODE} ints a slot (see {@link #PARENT} and on). */
    private int[] node;
    private final boolean recencyLists;
    private DeviceOrder deviceOrder;
    private final java.util.function.IntPredicate deviceCandidate;
    private final java.util.function.IntPredicate tryEvictDevice;
    private final java.util.function.IntUnaryOperator parentOf;
    private HostOrder hostOrder;
    private HostOrder duplicateOrder;
    private final java.util.function.IntPredicate duplicateEvictable;
    private final java.util.function.IntConsumer dropDuplicate;
    private final java.util.function.IntPredicate hostEvictable;
    private final java.util.function.IntConsumer evictHostPage;
    /**
     * Whether boundary_l1_l2's L2 takes its duplicates in whole passes rather than one pass a page: the same
     * victims in the same order while a host copy's parent is always touched after it (LRU, chains touched
     * deepest first, no eviction between a new page's touches: the recency lists' cache).
     */
    private final boolean wholeDuplicatePasses;
    private int[] freeSlots;
    private int freeCount;
    private int slotsUsed;
    /** Whether {@link #insert} may hold first touches (LRU; off only for the tests' reference cache). */
    private final boolean holdsFirstTouches;
    /**
     * While {@link #insert} sets pages whose touches its closing {@link #touchChain} renews anyway: their first
     * touches are held in {@link #heldTouches} and dropped at the end, or made, in their order, before anything is
     * evicted in between.
     */
    private boolean holdTouches;
    private final HeldTouches heldTouches = new HeldTouches();

    private int deviceTreePages;
    private int hostTreePages;
    private long deviceReserved;
    private long hostReserved;

    private long deviceEvictions;
    private long hostEvictions;
    private long writeBackPages;
    private long demotions;
    private long duplicateEvictions;
    private long failedHostAllocations;
    private long version;
    private long touches;

    public HiRadixCache(final int deviceCapacity, final int hostCapacity, final WritePolicy writePolicy)
    {
        this(deviceCapacity, hostCapacity, writePolicy, writePolicy.hitThreshold(), RadixEvictionPolicy.LRU);
    }

    public HiRadixCache(final int deviceCapacity, final int hostCapacity, final WritePolicy writePolicy,
        final RadixEvictionPolicy evictionPolicy)
    {
        this(deviceCapacity, hostCapacity, writePolicy, writePolicy.hitThreshold(), evictionPolicy);
    }

    /**
     * @param writeThreshold hits a page needs before it wants a host copy (SGLang's {@code write_through_threshold};
     *                       the policy's own by default)
     */
    public HiRadixCache(final int deviceCapacity, final int hostCapacity, final WritePolicy writePolicy,
        final int writeThreshold)
    {
        this(deviceCapacity, hostCapacity, writePolicy, writeThreshold, RadixEvictionPolicy.LRU);
    }

    /**
     * @param writeThreshold hits a page needs before it wants a host copy
     * @param evictionPolicy the L1/L2 eviction order (SGLang's {@code --radix-eviction-policy})
     */
    public HiRadixCache(final int deviceCapacity, final int hostCapacity, final WritePolicy writePolicy,
        final int writeThreshold, final RadixEvictionPolicy evictionPolicy)
    {
        this(deviceCapacity, hostCapacity, writePolicy, writeThreshold, evictionPolicy, false, 0, true);
    }

    /**
     * An LRU cache for a caller that evicts the device only while no device page is locked and no chain is half
     * inserted: the clock-free replay, which overdraws the device for a request ({@link #overdrawDevice}) and trims
     * it after ({@link #trimDevice}). Each tier's order is then a recency list ({@link DeviceRecencyOrder},
     * {@link HostRecencyOrder}): the same victims in the same order as the general orders, found with no heap.
     *
     * @param writeThreshold hits a page needs before it wants a host copy
     * @param pageIds        the page ids lie in {@code [0, pageIds)}: the cache indexes them directly, 2 or 4 bytes
     *                       per id ({@link PageSlotMap#direct}); 0 when the range is unknown or too large for that
     */
    public static HiRadixCache unlockedLru(final int deviceCapacity, final int hostCapacity,
        final WritePolicy writePolicy, final int writeThreshold, final int pageIds)
    {
        return new HiRadixCache(deviceCapacity, hostCapacity, writePolicy, writeThreshold, RadixEvictionPolicy.LRU,
            true, pageIds, true);
    }

    /**
     * The general cache making every touch as it comes, holding none back: what the held touches must be
     * indistinguishable from, for the tests that compare the two.
     */
    static HiRadixCache makingEveryTouch(final int deviceCapacity, final int hostCapacity,
        final WritePolicy writePolicy, final int writeThreshold)
    {
        return new HiRadixCache(deviceCapacity, hostCapacity, writePolicy, writeThreshold, RadixEvictionPolicy.LRU,
            false, 0, false);
    }

    /**
     * @param recencyLists whether each tier's order is a recency list (LRU, evicted while nothing is locked)
     * @param pageIds      the id range to index directly, or 0
     * @param holdTouches  whether an insert may hold the first touches its chain touch renews
     */
    private HiRadixCache(final int deviceCapacity, final int hostCapacity, final WritePolicy writePolicy,
        final int writeThreshold, final RadixEvictionPolicy evictionPolicy, final boolean recencyLists,
        final int pageIds, final boolean holdTouches)
    {
        if (writeThreshold < 1)
        {
            throw new IllegalArgumentException("write_through_threshold is " + writeThreshold + "; it must be >= 1");
        }
        this.renewOnAccess = evictionPolicy.renewsOnAccess();
        this.countKeyed = evictionPolicy.keyedByHitCount();
        // under LFU a restamp in between would reorder held touches; FIFO's chain touch renews nothing
        this.holdsFirstTouches = holdTouches && renewOnAccess && !countKeyed;
        this.countsHits = writePolicy != WritePolicy.WRITE_BACK;
        this.deviceCapacity = deviceCapacity;
        this.hostCapacity = hostCapacity;
        this.writePolicy = writePolicy;
        this.writeThreshold = writeThreshold;
        this.boundary = writePolicy == WritePolicy.BOUNDARY_L1_L2;
        final int initial = initialSlots(deviceCapacity, hostCapacity);
        this.pageIds = pageIds;
        this.index = newIndex(initial);
        node = new int[initial * NODE];
        this.recencyLists = recencyLists;
        deviceOrder = newDeviceOrder(initial);
        deviceCandidate = this::deviceCandidate;
        tryEvictDevice = this::tryEvictDevice;
        parentOf = s -> node[s * NODE + PARENT];
        hostOrder = newHostOrder(initial);
        duplicateOrder = newHostOrder(boundary ? initial : 0);
        hostEvictable = this::hostEvictable;
        evictHostPage = s ->
        {
            delete(s);
            hostEvictions++;
        };
        duplicateEvictable = this::duplicateEvictable;
        dropDuplicate = s ->
        {
            clearHost(s);
            hostEvictions++;
            duplicateEvictions++;
        };
        wholeDuplicatePasses = recencyLists;
        freeSlots = new int[initial];
    }

    /**
     * Drops every page of both tiers, as SGLang's {@code flush_cache} resets the tree; only allowed while nothing
     * holds a page (no lock, pin or reservation), which the caller checks by being idle.
     */
    public void clear()
    {
        version++;
        if (deviceReserved != 0 || hostReserved != 0)
        {
            throw new IllegalStateException("cannot clear the cache while " + deviceReserved + " device and "
                + hostReserved + " host pages are reserved");
        }
        final int initial = initialSlots(deviceCapacity, hostCapacity);
        index = newIndex(initial);
        deviceOrder = newDeviceOrder(slotCapacity());
        hostOrder = newHostOrder(slotCapacity());
        duplicateOrder = newHostOrder(boundary ? slotCapacity() : 0);
        freeCount = 0;
        slotsUsed = 0;
        deviceTreePages = 0;
        hostTreePages = 0;
    }

    private PageSlotMap newIndex(final int slots)
    {
        return pageIds > 0 ? PageSlotMap.direct(pageIds) : new PageSlotMap(slots);
    }

    private DeviceOrder newDeviceOrder(final int slots)
    {
        return recencyLists ? new DeviceRecencyOrder(slots) : new DeviceEvictionOrder(slots, countKeyed);
    }

    private HostOrder newHostOrder(final int slots)
    {
        return recencyLists ? new HostRecencyOrder(slots) : new HostEvictionOrder(slots, countKeyed);
    }

    /**
     * Page slots to start with: a few, growing by doubling as pages arrive, so an instance's arrays follow what it
     * holds (an instance among a thousand may hold a few hundred pages of a 60 K-page capacity).
     */
    private static int initialSlots(final int deviceCapacity, final int hostCapacity)
    {
        return (int)Math.max(64, Math.min(INITIAL_SLOTS, (long)deviceCapacity + hostCapacity + 64));
    }

    // ---- introspection ----------------------------------------------------------------------------------------

    public int deviceTreePages()
    {
        return deviceTreePages;
    }

    public int hostTreePages()
    {
        return hostTreePages;
    }

    public long deviceFree()
    {
        return deviceCapacity - deviceTreePages - deviceReserved;
    }

    /** Device pages held privately by running requests (not yet in the tree). */
    public long deviceReserved()
    {
        return deviceReserved;
    }

    public long hostFree()
    {
        return hostCapacity - hostTreePages - hostReserved;
    }

    public long deviceEvictions()
    {
        return deviceEvictions;
    }

    public long hostEvictions()
    {
        return hostEvictions;
    }

    /**
     * Pages copied to host synchronously by write_back evictions and boundary_l1_l2 demotions (the caller charges
     * their D2H time).
     */
    public long writeBackPages()
    {
        return writeBackPages;
    }

    /** Device evictions that kept the page on host by writing it there (boundary_l1_l2). */
    public long demotions()
    {
        return demotions;
    }

    /** Host copies dropped from pages still on the device (boundary_l1_l2; also counted in host evictions). */
    public long duplicateEvictions()
    {
        return duplicateEvictions;
    }

    /** Host allocations that could not be had (a write that stopped short, a prefetch or demotion refused). */
    public long failedHostAllocations()
    {
        return failedHostAllocations;
    }

    /** Pages on both tiers at once; a walk over the page slots, for reports. */
    public int duplicatePages()
    {
        int both = 0;
        for (int s = 0; s < slotsUsed; s++)
        {
            if ((node[s * NODE + FLAGS] & (ON_DEVICE | ON_HOST)) == (ON_DEVICE | ON_HOST))
            {
                both++;
            }
        }
        return both;
    }

    public boolean contains(final int pageId)
    {
        return index.get(pageId) >= 0;
    }

    public boolean onDevice(final int pageId)
    {
        final int s = index.get(pageId);
        return s >= 0 && (node[s * NODE + FLAGS] & ON_DEVICE) != 0;
    }

    public boolean onHost(final int pageId)
    {
        final int s = index.get(pageId);
        return s >= 0 && (node[s * NODE + FLAGS] & ON_HOST) != 0;
    }

    /**
     * Counts the calls that may change what a request finds or frees here: every mutating call but {@link #match}.
     * A caller that saw a request not fit may skip asking again while it is unchanged (see {@link #touches}).
     */
    public long version()
    {
        return version;
    }

    /**
     * Counts recency updates in either tier's order. With {@link #version} unchanged, a failed admission that
     * changed nothing would, asked again, only touch its prefix again, which is a no-op while this is unchanged.
     */
    public long touches()
    {
        return touches;
    }

    // ---- matching and locking ---------------------------------------------------------------------------------

    /** Longest cached prefix of {@code pages[0, limit)}: device part, then host-only part. Touches what matched. */
    public void match(final int[] pages, final int limit, final MatchResult out)
    {
        peek(pages, limit, out);
        touchChain(pages, 0, out.devicePages + out.hostPages);
    }

    /**
     * {@link #match} without the touch, for a caller that touches the whole chain next anyway (the clock-free
     * replay inserts it right after).
     */
    public void peek(final int[] pages, final int limit, final MatchResult out)
    {
        int device = 0;
        int matched = 0;
        while (matched < limit)
        {
            final int s = index.get(pages[matched]);
            if (s < 0)
            {
                break;
            }
            if ((node[s * NODE + FLAGS] & ON_DEVICE) != 0 && device == matched)
            {
                device++;
            }
            matched++;
        }
        out.devicePages = device;
        out.hostPages = matched - device;
    }

    /** Protects {@code pages[from, to)} from device eviction while a request uses them. */
    public void lock(final int[] pages, final int from, final int to)
    {
        version++;
        for (int i = from; i < to; i++)
        {
            node[slot(pages[i]) * NODE + LOCK_REF]++;
        }
    }

    public void unlock(final int[] pages, final int from, final int to)
    {
        version++;
        for (int i = from; i < to; i++)
        {
            final int s = index.get(pages[i]);
            if (s >= 0 && --node[s * NODE + LOCK_REF] == 0)
            {
                offerHost(s);
                offerDevice(s);
            }
        }
    }

    /** Pins a host copy (an L3 backup or a prefetch anchor holds it). */
    public void protectHost(final int pageId)
    {
        version++;
        final int s = index.get(pageId);
        if (s >= 0)
        {
            node[s * NODE + HOST_REF]++;
        }
    }

    public void releaseHost(final int pageId)
    {
        version++;
        final int s = index.get(pageId);
        if (s >= 0 && node[s * NODE + HOST_REF] > 0 && --node[s * NODE + HOST_REF] == 0)
        {
            offerHost(s);
        }
    }

    // ---- device side ------------------------------------------------------------------------------------------

    /** Reserves private device pages for a request, evicting L1 if needed; false if they cannot be had. */
    public boolean reserveDevice(final long pages)
    {
        version++;
        if (deviceFree() < pages)
        {
            evictDevice(pages - deviceFree());
        }
        if (deviceFree() < pages)
        {
            return false;
        }
        deviceReserved += pages;
        return true;
    }

    /**
     * Reserves device pages without evicting: the tier may run over its capacity until {@link #trimDevice}. The
     * clock-free replay admits a whole request this way and evicts after its host writes, as SGLang's policy
     * simulator does.
     */
    public void overdrawDevice(final long pages)
    {
        version++;
        deviceReserved += pages;
    }

    /** Evicts device leaves, LRU first, until the tier is within its capacity again; returns pages freed. */
    public long trimDevice()
    {
        version++;
        final long over = -deviceFree();
        return over > 0 ? evictDevice(over) : 0;
    }

    public void releaseDevice(final long pages)
    {
        version++;
        deviceReserved -= pages;
        if (deviceReserved < 0)
        {
            throw new IllegalStateException("device reservation went negative");
        }
    }

    /**
     * Loads the host-only pages {@code pages[from, to)} back to the device (their parents are already there).
     * Returns false, changing nothing, if L1 cannot make room.
     */
    public boolean loadBack(final int[] pages, final int from, final int to)
    {
        version++;
        final int n = to - from;
        if (deviceFree() < n)
        {
            evictDevice(n - deviceFree());
            if (deviceFree() < n)
            {
                return false;
            }
        }
        for (int i = from; i < to; i++)
        {
            final int s = slot(pages[i]);
            setDevice(s);
        }
        touchChain(pages, 0, to);
        return true;
    }

    /**
     * Inserts a computed chain whose first {@code n} pages are now on the device; pages not already in the tree
     * take over {@code reservedPages} of the caller's device reservation. Counts hits, applies the write policy and
     * returns how many leading-or-later pages want a host copy, written into {@code toBackup}.
     */
    public int insert(final int[] pages, final int n, final int[] toBackup)
    {
        return insert(pages, 0, n, toBackup);
    }

    /**
     * {@link #insert(int[], int, int[])} of the pages {@code pages[from, n)} of a chain whose first {@code from}
     * pages are in the tree (locked by the caller): a finished request adding the pages its output completed
     * without counting another hit on its prompt's.
     */
    public int insert(final int[] pages, final int from, final int n, final int[] toBackup)
    {
        version++;
        int wants = 0;
        int parentSlot = from == 0 ? NONE : slot(pages[from - 1]);
        holdTouches = holdsFirstTouches;
        try
        {
            for (int i = from; i < n; i++)
            {
                int s = index.get(pages[i]);
                if (s < 0)
                {
                    s = newSlot(pages[i], parentSlot);
                    node[s * NODE + FLAGS] += HIT;
                    consumeDeviceReservation();
                    setDevice(s);
                }
                else
                {
                    node[s * NODE + FLAGS] += HIT;
                    if ((node[s * NODE + FLAGS] & ON_DEVICE) == 0)
                    {
                        consumeDeviceReservation();
                        setDevice(s);
                    }
                    else if (countKeyed)
                    {
                        restamp(s);
                    }
                }
                if ((node[s * NODE + FLAGS] & ON_HOST) == 0 && hitCount(s) >= writeThreshold)
                {
                    toBackup[wants++] = pages[i];
                }
                parentSlot = s;
            }
        }
        finally
        {
            holdTouches = false;
            heldTouches.clear();
        }
        touchChain(pages, 0, n);
        return wants;
    }

    /** Makes the held touches, in their order, and holds no more: something is about to be evicted. */
    private void makeHeldTouches()
    {
        holdTouches = false;
        for (int i = 0; i < heldTouches.size(); i++)
        {
            final int s = heldTouches.slot(i);
            final int count = heldTouches.hitCount(i);
            if (heldTouches.kind(i) == HELD_HOST_STAMP)
            {
                hostOrder.touched(s, count);
                duplicateOrder.touched(s, count);
            }
            else
            {
                deviceOrder.touched(s, count);
                offerDevice(s);
            }
        }
        heldTouches.clear();
    }

    /** LFU: the page's hit count changed, so its key in each tier's order changes now, as SGLang's does. */
    private void restamp(final int s)
    {
        touches++;
        deviceOrder.touched(s, lfuCount(s));
        offerDevice(s);
        if (boundary || (node[s * NODE + FLAGS] & ON_HOST) != 0)
        {
            touchHost(s);
            offerHost(s);
        }
    }

    /** Hits counted on slot {@code s}'s page. */
    private int hitCount(final int s)
    {
        return node[s * NODE + FLAGS] >>> 2;
    }

    /** Slots the arrays have room for. */
    private int slotCapacity()
    {
        return node.length / NODE;
    }

    /**
     * The hit count LFU orders by: SGLang's {@code hit_count}, which its {@code _inc_hit_count} leaves at 0 under
     * write_back (LFU is then LRU).
     */
    private int lfuCount(final int s)
    {
        return countsHits ? hitCount(s) : 0;
    }

    private void consumeDeviceReservation()
    {
        if (deviceReserved > 0)
        {
            deviceReserved--;
        }
        else if (deviceFree() <= 0)
        {
            if (holdTouches)
            {
                makeHeldTouches();
            }
            evictDevice(1);
        }
    }

    /**
     * Allocates host copies for {@code pages[0, n)} (L2 eviction if needed) and locks their device copies until
     * {@link #endHostWrite}; returns how many got one, a prefix of the list.
     */
    public int beginHostWrite(final int[] pages, final int n)
    {
        version++;
        if (boundary)
        {
            return beginBoundaryWrite(pages, n);
        }
        return allocateHost(pages, n, true);
    }

    /**
     * {@link #beginHostWrite} and {@link #endHostWrite} at once, for a write that is acknowledged before the cache
     * is asked anything else (the clock-free replay): the same host copies, without locking the device copies for
     * a moment in which nothing could evict them. Returns how many got one, a prefix of the list.
     */
    public int writeHost(final int[] pages, final int n)
    {
        if (boundary)
        {
            final int done = beginHostWrite(pages, n);
            endHostWrite(pages, done);
            return done;
        }
        version++;
        return allocateHost(pages, n, false);
    }

    /** Host copies for {@code pages[0, n)} while L2 can make room, each device copy locked if {@code lock}. */
    private int allocateHost(final int[] pages, final int n, final boolean lock)
    {
        int done = 0;
        for (int i = 0; i < n; i++)
        {
            final int s = index.get(pages[i]);
            if (s < 0 || (node[s * NODE + FLAGS] & ON_HOST) != 0)
            {
                continue;
            }
            if (hostFree() <= 0 && evictHost(1) == 0)
            {
                failedHostAllocations++;
                break;
            }
            setHost(s);
            if (lock)
            {
                node[s * NODE + LOCK_REF]++;
            }
            pages[done++] = pages[i];
        }
        return done;
    }

    /**
     * boundary_l1_l2's write: host copies for all of {@code pages[0, n)} or none (L2 evicts duplicates, then host
     * -only leaves, to make room; the caller's locks protect its own pages), as SGLang's policy simulator reserves
     * a request's host slots.
     */
    private int beginBoundaryWrite(final int[] pages, final int n)
    {
        int missing = 0;
        for (int i = 0; i < n; i++)
        {
            final int s = index.get(pages[i]);
            if (s >= 0 && (node[s * NODE + FLAGS] & ON_HOST) == 0)
            {
                missing++;
            }
        }
        if (missing == 0 || !makeHostRoom(missing))
        {
            return 0;
        }
        int done = 0;
        for (int i = 0; i < n; i++)
        {
            final int s = index.get(pages[i]);
            if (s < 0 || (node[s * NODE + FLAGS] & ON_HOST) != 0)
            {
                continue;
            }
            setHost(s);
            node[s * NODE + LOCK_REF]++;
            pages[done++] = pages[i];
        }
        return done;
    }

    /** Frees host room for {@code pages} more pages, all or nothing; counts a failure when it cannot. */
    private boolean makeHostRoom(final int pages)
    {
        if (pages > hostCapacity)
        {
            failedHostAllocations++;
            return false;
        }
        final long missing = pages - hostFree();
        if (missing > 0 && evictHost(missing) < missing)
        {
            failedHostAllocations++;
            return false;
        }
        return true;
    }

    /** The D2H copy of {@code pages[0, n)} is acknowledged: their device copies may be evicted again. */
    public void endHostWrite(final int[] pages, final int n)
    {
        version++;
        unlock(pages, 0, n);
    }

    /** Frees at least {@code pages} device pages if unlocked leaves allow; returns how many were freed. */
    public long evictDevice(final long pages)
    {
        version++;
        final long freed = deviceOrder.evict(pages, deviceCandidate, tryEvictDevice, parentOf);
        deviceEvictions += freed;
        return freed;
    }

    /** A page device eviction may visit: on the device, unlocked, no child on the device. */
    private boolean deviceCandidate(final int s)
    {
        final int at = s * NODE;
        return (node[at + FLAGS] & ON_DEVICE) != 0 && node[at + LOCK_REF] == 0 && node[at + DEVICE_CHILDREN] == 0;
    }

    /** The write policy's device eviction of candidate {@code s}; returns whether the page left the device. */
    private boolean tryEvictDevice(final int s)
    {
        if (boundary)
        {
            return evictBoundary(s);
        }
        if ((node[s * NODE + FLAGS] & ON_HOST) != 0)
        {
            clearDevice(s);
        }
        else if (writePolicy == WritePolicy.WRITE_BACK && (hostFree() > 0 || evictHost(1) > 0))
        {
            setHost(s);
            clearDevice(s);
            writeBackPages++;
        }
        else if (node[s * NODE + TREE_CHILDREN] == 0)
        {
            delete(s);
        }
        else
        {
            return false;
        }
        return true;
    }

    /** Offers {@code s} to the device order if it is a candidate; a recency list holds every device page already. */
    private void offerDevice(final int s)
    {
        // the test at the call, the work out of line: C1 compiles the calls of the recency lists' replay inline
        if (!recencyLists)
        {
            offerDeviceCandidate(s);
        }
    }

    private void offerDeviceCandidate(final int s)
    {
        if (deviceCandidate(s))
        {
            deviceOrder.offer(s);
            if (deviceOrder.overfull(deviceTreePages))
            {
                deviceOrder.rebuild(slotsUsed, deviceCandidate);
            }
        }
    }

    /**
     * boundary_l1_l2's device eviction of leaf {@code s}: keep it on host (a device-only parent first gets a host
     * copy, so the host tree stays prefix-closed), else delete it if it has no children. Returns whether the page
     * left the device.
     */
    private boolean evictBoundary(final int s)
    {
        final int p = node[s * NODE + PARENT];
        final boolean parentNeedsHost = p != NONE && (node[p * NODE + FLAGS] & (ON_DEVICE | ON_HOST)) == ON_DEVICE;
        final boolean onHost = (node[s * NODE + FLAGS] & ON_HOST) != 0;
        final int need = (parentNeedsHost ? 1 : 0) + (onHost ? 0 : 1);
        boolean room = true;
        if (need > 0)
        {
            node[s * NODE + LOCK_REF]++;
            if (p != NONE)
            {
                node[p * NODE + LOCK_REF]++;
            }
            room = makeHostRoom(need);
            node[s * NODE + LOCK_REF]--;
            if (p != NONE)
            {
                node[p * NODE + LOCK_REF]--;
            }
            if (!room)
            {
                // the failed pass dropped what it found locked: these two are unlocked again
                offerHost(s);
                if (p != NONE)
                {
                    offerHost(p);
                }
            }
        }
        if (room)
        {
            if (parentNeedsHost)
            {
                setHost(p);
            }
            if (!onHost)
            {
                setHost(s);
                demotions++;
            }
            writeBackPages += need;
            clearDevice(s);
            if (p != NONE)
            {
                offerHost(p);
            }
            return true;
        }
        if (node[s * NODE + TREE_CHILDREN] == 0)
        {
            if (onHost)
            {
                hostEvictions++;
            }
            delete(s);
            return true;
        }
        return false;
    }

    // ---- host side --------------------------------------------------------------------------------------------

    /** Reserves host pages for a prefetch, evicting L2 if needed; false if they cannot be had. */
    public boolean reserveHost(final long pages)
    {
        version++;
        if (hostFree() < pages)
        {
            evictHost(pages - hostFree());
        }
        if (hostFree() < pages)
        {
            return false;
        }
        hostReserved += pages;
        return true;
    }

    public void releaseHostReservation(final long pages)
    {
        version++;
        hostReserved -= pages;
        if (hostReserved < 0)
        {
            throw new IllegalStateException("host reservation went negative");
        }
    }

    /**
     * Inserts prefetched pages {@code pages[from, to)} as host-only nodes (their parents are in the tree), using
     * that many pages of a host reservation; pages already present give their reservation back. Returns the pages
     * newly inserted.
     */
    public int insertHostOnly(final int[] pages, final int from, final int to)
    {
        version++;
        int inserted = 0;
        int parentSlot = from == 0 ? NONE : slot(pages[from - 1]);
        for (int i = from; i < to; i++)
        {
            int s = index.get(pages[i]);
            hostReserved--;
            if (s < 0)
            {
                s = newSlot(pages[i], parentSlot);
                setHost(s);
                inserted++;
            }
            parentSlot = s;
        }
        touchChain(pages, 0, to);
        return inserted;
    }

    /**
     * Frees at least {@code pages} host pages by deleting unpinned host-only leaves, LRU first; under
     * boundary_l1_l2 one page at a time, the least recent duplicate (a host copy of a device page with no child on
     * host) before any host-only leaf.
     */
    public long evictHost(final long pages)
    {
        version++;
        if (!boundary)
        {
            return hostOrder.evict(pages, hostEvictable, evictHostPage);
        }
        long freed = 0;
        while (freed < pages)
        {
            final long dropped = duplicateOrder.evict(wholeDuplicatePasses ? pages - freed : 1, duplicateEvictable,
                dropDuplicate);
            freed += dropped;
            if (freed >= pages || dropped > 0 && !wholeDuplicatePasses)
            {
                continue;
            }
            // no duplicate left: one host-only leaf, whose parent may become a duplicate
            if (hostOrder.evict(1, hostEvictable, evictHostPage) == 0)
            {
                break;
            }
            freed++;
        }
        return freed;
    }

    /** A host copy boundary_l1_l2's L2 drops first: the page is on the device too, no child is on host. */
    private boolean duplicateEvictable(final int s)
    {
        return hostVictim(s) == DUPLICATE;
    }

    /** A host page L2 eviction may take: host-only, unpinned, unlocked, a leaf. */
    private boolean hostEvictable(final int s)
    {
        return hostVictim(s) == HOST_LEAF;
    }

    /**
     * What L2 eviction may take slot {@code s} as, from one read of its record: {@link #HOST_LEAF}, under
     * boundary_l1_l2 {@link #DUPLICATE}, or {@link #NOT_A_VICTIM} (pinned, locked, or neither).
     */
    private int hostVictim(final int s)
    {
        final int[] nd = node;
        final int at = s * NODE;
        if (nd[at + HOST_REF] != 0 || nd[at + LOCK_REF] != 0)
        {
            return NOT_A_VICTIM;
        }
        final int tiers = nd[at + FLAGS] & (ON_HOST | ON_DEVICE);
        if (tiers == ON_HOST)
        {
            return nd[at + TREE_CHILDREN] == 0 ? HOST_LEAF : NOT_A_VICTIM;
        }
        return boundary && tiers == (ON_HOST | ON_DEVICE) && nd[at + HOST_CHILDREN] == 0 ? DUPLICATE : NOT_A_VICTIM;
    }

    private void offerHost(final int s)
    {
        final int victim = hostVictim(s);
        if (victim == HOST_LEAF)
        {
            hostOrder.offer(s);
            if (hostOrder.overfull(hostTreePages))
            {
                hostOrder.rebuild(slotsUsed, hostEvictable);
            }
        }
        else if (victim == DUPLICATE)
        {
            duplicateOrder.offer(s);
            if (duplicateOrder.overfull(hostTreePages))
            {
                duplicateOrder.rebuild(slotsUsed, duplicateEvictable);
            }
        }
    }

    /**
     * Stamps a touch in the host order. Under boundary_l1_l2 every page is stamped on every touch, in both orders
     * (their clocks move together), so a page demoted or deduplicated later keeps its last access as its age.
     */
    private void touchHost(final int s)
    {
        touches++;
        hostOrder.touched(s, lfuCount(s));
        if (boundary)
        {
            duplicateOrder.touched(s, lfuCount(s));
        }
    }

    // ---- internals --------------------------------------------------------------------------------------------

    private int slot(final int pageId)
    {
        final int s = index.get(pageId);
        if (s < 0)
        {
            throw new IllegalStateException("page " + pageId + " is not in the tree");
        }
        return s;
    }

    /** Touch deepest first so parents end up more recent than children, in each tier's order. */
    private void touchChain(final int[] pages, final int from, final int to)
    {
        for (int i = to - 1; i >= from; i--)
        {
            final int s = index.get(pages[i]);
            if (s < 0)
            {
                continue;
            }
            if ((node[s * NODE + FLAGS] & ON_DEVICE) != 0 && renewOnAccess)
            {
                touches++;
                deviceOrder.touched(s, lfuCount(s));
                offerDevice(s);
            }
            if (boundary || (node[s * NODE + FLAGS] & ON_HOST) != 0)
            {
                if (renewOnAccess)
                {
                    touchHost(s);
                }
                offerHost(s);
            }
        }
    }

    private int newSlot(final int pageId, final int parentSlot)
    {
        final int s;
        if (freeCount > 0)
        {
            s = freeSlots[--freeCount];
        }
        else
        {
            if (slotsUsed == slotCapacity())
            {
                grow();
            }
            s = slotsUsed++;
        }
        node[s * NODE + PAGE] = pageId;
        node[s * NODE + PARENT] = parentSlot;
        node[s * NODE + FLAGS] = 0;
        node[s * NODE + LOCK_REF] = 0;
        node[s * NODE + HOST_REF] = 0;
        node[s * NODE + DEVICE_CHILDREN] = 0;
        node[s * NODE + TREE_CHILDREN] = 0;
        node[s * NODE + HOST_CHILDREN] = 0;
        if (boundary)
        {
            if (holdTouches)
            {
                touches++;
                heldTouches.add(s, HELD_HOST_STAMP, lfuCount(s));
            }
            else
            {
                touchHost(s);
            }
        }
        if (parentSlot != NONE)
        {
            node[parentSlot * NODE + TREE_CHILDREN]++;
        }
        index.put(pageId, s);
        return s;
    }

    private void delete(final int s)
    {
        if ((node[s * NODE + FLAGS] & ON_DEVICE) != 0)
        {
            clearDevice(s);
        }
        boolean lastHostChild = false;
        final int p = node[s * NODE + PARENT];
        if ((node[s * NODE + FLAGS] & ON_HOST) != 0)
        {
            hostTreePages--;
            if (p != NONE)
            {
                lastHostChild = --node[p * NODE + HOST_CHILDREN] == 0;
            }
        }
        node[s * NODE + FLAGS] = 0;
        if (p != NONE && (--node[p * NODE + TREE_CHILDREN] == 0 || boundary && lastHostChild))
        {
            offerHost(p);
        }
        index.remove(node[s * NODE + PAGE]);
        freeSlots[freeCount++] = s;
    }

    private void setDevice(final int s)
    {
        if ((node[s * NODE + FLAGS] & ON_DEVICE) != 0)
        {
            return;
        }
        node[s * NODE + FLAGS] |= ON_DEVICE;
        deviceTreePages++;
        final int p = node[s * NODE + PARENT];
        if (p != NONE)
        {
            node[p * NODE + DEVICE_CHILDREN]++;
        }
        touches++;
        if (holdTouches)
        {
            heldTouches.add(s, HELD_DEVICE, lfuCount(s));
            return;
        }
        deviceOrder.touched(s, lfuCount(s));
        offerDevice(s);
    }

    private void clearDevice(final int s)
    {
        node[s * NODE + FLAGS] &= ~ON_DEVICE;
        deviceOrder.left(s);
        deviceTreePages--;
        final int p = node[s * NODE + PARENT];
        if (p != NONE && --node[p * NODE + DEVICE_CHILDREN] == 0)
        {
            offerDevice(p);
        }
        offerHost(s);
    }

    private void setHost(final int s)
    {
        node[s * NODE + FLAGS] |= ON_HOST;
        hostTreePages++;
        final int p = node[s * NODE + PARENT];
        if (p != NONE)
        {
            node[p * NODE + HOST_CHILDREN]++;
        }
        if (!boundary)
        {
            touches++;
            hostOrder.touched(s, lfuCount(s));
        }
        offerHost(s);
    }

    /** Drops a page's host copy, keeping the page (boundary_l1_l2's duplicate eviction). */
    private void clearHost(final int s)
    {
        node[s * NODE + FLAGS] &= ~ON_HOST;
        hostTreePages--;
        final int p = node[s * NODE + PARENT];
        if (p != NONE && --node[p * NODE + HOST_CHILDREN] == 0)
        {
            offerHost(p);
        }
        offerHost(s);
    }

    private void grow()
    {
        final int n = slotCapacity() * 2;
        node = Arrays.copyOf(node, n * NODE);
        freeSlots = Arrays.copyOf(freeSlots, n);
        hostOrder.ensure(n);
        deviceOrder.ensure(n);
        if (boundary)
        {
            duplicateOrder.ensure(n);
        }
    }
}
