package dev.kvtier.model.store;

import java.util.Arrays;

/**
 * Carves byte ranges out of one mounted segment the way Mooncake's default {@code offset} allocator does
 * (sebbbi's O(1) OffsetAllocator with Mooncake's changes), so that utilisation, fragmentation and allocation
 * failures in the model are the real store's and not an idealised allocator's.
 *
 * <p>The rules reproduced: segments larger than {@link #MAX_BIN_SIZE} bytes are managed in units of
 * {@code 2^shift} bytes (the smallest shift that brings the size under it) and requests are rounded up to whole
 * units; free ranges sit in 256 bins whose sizes follow an 8-bit float (5-bit exponent, 3-bit mantissa), found in
 * O(1) through a two-level bitmask; an allocation takes the head of the first non-empty bin whose every range fits
 * and — Mooncake's change — is rounded up to that bin's size, the remainder going back into a bin; a free merges
 * with free neighbours found through neighbour links, with no search. Bins are LIFO lists, so the offsets chosen
 * depend on the order of operations exactly as upstream. The node pool grows to at most
 * {@code clamp(size / 1024, 1 Mi, 64 Mi)} nodes (live allocations plus free ranges); past that, allocation fails.
 *
 * <p>Node fields live in one {@code long[]}, four longs per node, so a node is one cache access and a full store
 * costs the collector nothing per allocation. {@link #allocate} returns the node index as the allocation's handle
 * (upstream's "metadata"); {@link #offset} turns it into a byte offset and {@link #free} takes it back.
 */
public final class OffsetAllocator
{
    /** Largest size, in units, that a bin can describe (3.75 GiB): upstream's {@code SmallFloat::MAX_BIN_SIZE}. */
    static final long MAX_BIN_SIZE = SizeBins.MAX_BIN_SIZE;
    private static final int TOP_BINS = 32;
    private static final int TOP_BIN_SHIFT = 3;
    private static final int LEAF_BIN_MASK = 0x7;
    private static final int LEAF_BINS = TOP_BINS * 8;
    private static final int NONE = -1;

    /** Per node: offset (units), size (units; bit 63 = in use), links, and the requested bytes while in use. */
    private static final int STRIDE = 4;
    private static final int OFFSET = 0;
    private static final int SIZE = 1;
    /** Free: bin list prev (low 32 bits) and next (high 32 bits). In use: the bytes the caller asked for. */
    private static final int BIN_LINKS = 2;
    /** Neighbour prev (low 32 bits) and next (high 32 bits), free or in use. */
    private static final int NEIGHBOURS = 3;
    private static final long USED = 1L << 63;
    /**
     * Nodes to start with. The pool grows by doubling, appending indices in the order a larger start would have
     * held them, so handles do not depend on it; a small start keeps a cluster of a thousand instances, each
     * mounting a segment that sees a few hundred objects, from holding a 2 MiB node array per segment.
     */
    private static final int INITIAL_NODES = 256;

    private final long capacity;
    private final int shift;
    private final int maxNodes;
    private long[] nodes;
    /** Stack of unused node indices above {@link #freeNodeTop}; grows with {@link #nodes}. */
    private int[] freeNodes;
    private int freeNodeTop;
    private int nodeCount;
    private int usedBinsTop;
    private final byte[] usedBins = new byte[TOP_BINS];
    private final int[] binHeads = new int[LEAF_BINS];
    private long allocatedBytes;
    private int freeRanges;

    public OffsetAllocator(final long capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("segment capacity must be > 0 bytes, got " + capacity);
        }
        this.capacity = capacity;
        int s = 0;
        while ((capacity >>> s) > MAX_BIN_SIZE)
        {
            s++;
        }
        this.shift = s;
        this.maxNodes = (int)Math.min(64L << 20, Math.max(1L << 20, capacity / 1024));
        final int initial = INITIAL_NODES;
        this.nodes = new long[initial * STRIDE];
        this.freeNodes = new int[initial];
        for (int i = 0; i < initial; i++)
        {
            freeNodes[i] = i;
        }
        this.nodeCount = initial;
        Arrays.fill(binHeads, NONE);
        insertIntoBin(capacity >>> shift, 0);
    }

    private static int lowestSetBitFrom(final int mask, final int from)
    {
        if (from >= 32)
        {
            return NONE;
        }
        final int after = mask & (-1 << from);
        return after == 0 ? NONE : Integer.numberOfTrailingZeros(after);
    }

    // ---- allocation -----------------------------------------------------------------------------------------------

    /** A handle for a new range of at least {@code size} bytes, or -1 when no bin can hold it (or no node is left). */
    public int allocate(final long size)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("allocation size must be > 0, got " + size);
        }
        final long units = shift == 0 ? size : (size + (1L << shift) - 1) >>> shift;
        if (units > MAX_BIN_SIZE || freeNodeTop == maxNodes)
        {
            return NONE;
        }
        final int minBin = SizeBins.binRoundUp(units);
        final int minTop = minBin >>> TOP_BIN_SHIFT;
        int top = minTop;
        int leaf = NONE;
        if ((usedBinsTop & (1 << top)) != 0)
        {
            leaf = lowestSetBitFrom(usedBins[top] & 0xFF, minBin & LEAF_BIN_MASK);
        }
        if (leaf == NONE)
        {
            top = lowestSetBitFrom(usedBinsTop, minTop + 1);
            if (top == NONE)
            {
                return NONE;
            }
            leaf = Integer.numberOfTrailingZeros(usedBins[top] & 0xFF);
        }
        final int bin = (top << TOP_BIN_SHIFT) | leaf;
        final int node = binHeads[bin];
        final int base = node * STRIDE;
        final long total = nodes[base + SIZE];
        final long rounded = SizeBins.binSize(minBin);
        final int next = high(nodes[base + BIN_LINKS]);
        binHeads[bin] = next;
        if (next != NONE)
        {
            setLow(next * STRIDE + BIN_LINKS, NONE);
        }
        else
        {
            clearBinBit(top, leaf);
        }
        freeRanges--;
        nodes[base + SIZE] = rounded | USED;
        nodes[base + BIN_LINKS] = size;
        final long remainder = total - rounded;
        if (remainder > 0)
        {
            final int split = insertIntoBin(remainder, nodes[base + OFFSET] + rounded);
            final int neighbourNext = high(nodes[base + NEIGHBOURS]);
            if (neighbourNext != NONE)
            {
                setLow(neighbourNext * STRIDE + NEIGHBOURS, split);
            }
            nodes[split * STRIDE + NEIGHBOURS] = links(node, neighbourNext);
            setHigh(base + NEIGHBOURS, split);
        }
        allocatedBytes += size;
        return node;
    }

    /** The byte offset of an allocation in its segment. */
    public long offset(final int handle)
    {
        checkInUse(handle);
        return nodes[handle * STRIDE + OFFSET] << shift;
    }

    /** Returns an allocation; merges its range with free neighbours. */
    public void free(final int handle)
    {
        checkInUse(handle);
        final int base = handle * STRIDE;
        allocatedBytes -= nodes[base + BIN_LINKS];
        long offset = nodes[base + OFFSET];
        long size = nodes[base + SIZE] & ~USED;
        int neighbourPrev = low(nodes[base + NEIGHBOURS]);
        int neighbourNext = high(nodes[base + NEIGHBOURS]);
        if (neighbourPrev != NONE && !used(neighbourPrev))
        {
            final int p = neighbourPrev * STRIDE;
            offset = nodes[p + OFFSET];
            size += nodes[p + SIZE];
            removeFromBin(neighbourPrev);
            neighbourPrev = low(nodes[p + NEIGHBOURS]);
        }
        if (neighbourNext != NONE && !used(neighbourNext))
        {
            final int n = neighbourNext * STRIDE;
            size += nodes[n + SIZE];
            removeFromBin(neighbourNext);
            neighbourNext = high(nodes[n + NEIGHBOURS]);
        }
        release(handle);
        final int merged = insertIntoBin(size, offset);
        nodes[merged * STRIDE + NEIGHBOURS] = links(neighbourPrev, neighbourNext);
        if (neighbourNext != NONE)
        {
            setLow(neighbourNext * STRIDE + NEIGHBOURS, merged);
        }
        if (neighbourPrev != NONE)
        {
            setHigh(neighbourPrev * STRIDE + NEIGHBOURS, merged);
        }
    }

    private void checkInUse(final int handle)
    {
        if (handle < 0 || handle >= nodeCount || !used(handle))
        {
            throw new IllegalArgumentException("handle " + handle + " is not a live allocation");
        }
    }

    private boolean used(final int node)
    {
        return nodes[node * STRIDE + SIZE] < 0;
    }

    private int insertIntoBin(final long size, final long offset)
    {
        final int bin = SizeBins.binRoundDown(size);
        final int top = bin >>> TOP_BIN_SHIFT;
        final int leaf = bin & LEAF_BIN_MASK;
        final int head = binHeads[bin];
        if (head == NONE)
        {
            usedBins[top] |= (byte)(1 << leaf);
            usedBinsTop |= 1 << top;
        }
        final int node = take();
        final int base = node * STRIDE;
        nodes[base + OFFSET] = offset;
        nodes[base + SIZE] = size;
        nodes[base + BIN_LINKS] = links(NONE, head);
        nodes[base + NEIGHBOURS] = links(NONE, NONE);
        if (head != NONE)
        {
            setLow(head * STRIDE + BIN_LINKS, node);
        }
        binHeads[bin] = node;
        freeRanges++;
        return node;
    }

    private void removeFromBin(final int node)
    {
        final int base = node * STRIDE;
        final int prev = low(nodes[base + BIN_LINKS]);
        final int next = high(nodes[base + BIN_LINKS]);
        if (prev != NONE)
        {
            setHigh(prev * STRIDE + BIN_LINKS, next);
            if (next != NONE)
            {
                setLow(next * STRIDE + BIN_LINKS, prev);
            }
        }
        else
        {
            final int bin = SizeBins.binRoundDown(nodes[base + SIZE]);
            binHeads[bin] = next;
            if (next != NONE)
            {
                setLow(next * STRIDE + BIN_LINKS, NONE);
            }
            else
            {
                clearBinBit(bin >>> TOP_BIN_SHIFT, bin & LEAF_BIN_MASK);
            }
        }
        freeRanges--;
        release(node);
    }

    private void clearBinBit(final int top, final int leaf)
    {
        usedBins[top] &= (byte)~(1 << leaf);
        if (usedBins[top] == 0)
        {
            usedBinsTop &= ~(1 << top);
        }
    }

    private int take()
    {
        if (freeNodeTop == nodeCount)
        {
            final int grown = Math.min(maxNodes, nodeCount * 2);
            nodes = Arrays.copyOf(nodes, grown * STRIDE);
            freeNodes = Arrays.copyOf(freeNodes, grown);
            for (int i = nodeCount; i < grown; i++)
            {
                freeNodes[i] = i;
            }
            nodeCount = grown;
        }
        return freeNodes[freeNodeTop++];
    }

    private void release(final int node)
    {
        nodes[node * STRIDE + SIZE] = 0;
        freeNodes[--freeNodeTop] = node;
    }

    private static long links(final int prev, final int next)
    {
        return (prev & 0xFFFF_FFFFL) | ((long)next << 32);
    }

    private static int low(final long packed)
    {
        return (int)packed;
    }

    private static int high(final long packed)
    {
        return (int)(packed >> 32);
    }

    private void setLow(final int index, final int value)
    {
        nodes[index] = (nodes[index] & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL);
    }

    private void setHigh(final int index, final int value)
    {
        nodes[index] = (nodes[index] & 0xFFFF_FFFFL) | ((long)value << 32);
    }

    // ---- reports --------------------------------------------------------------------------------------------------

    public long capacity()
    {
        return capacity;
    }

    /** Bytes callers asked for across live allocations (upstream's {@code allocated_size}, before rounding). */
    public long allocatedBytes()
    {
        return allocatedBytes;
    }

    public long freeBytes()
    {
        return capacity - allocatedBytes;
    }

    /** The lower bound of the largest free bin, in bytes: upstream's {@code largestFreeRegion}. */
    public long largestFreeRegion()
    {
        if (usedBinsTop == 0)
        {
            return 0;
        }
        final int top = 31 - Integer.numberOfLeadingZeros(usedBinsTop);
        final int leaf = 31 - Integer.numberOfLeadingZeros(usedBins[top] & 0xFF);
        return SizeBins.binSize((top << TOP_BIN_SHIFT) | leaf) << shift;
    }

    /** Number of disjoint free ranges: 1 means no fragmentation. */
    public int freeRanges()
    {
        return freeRanges;
    }

    /** Units are {@code 2^shift} bytes. */
    int shift()
    {
        return shift;
    }
}
