package dev.kvtier.model.primitive;

/**
 * Map from a page id to a slot index, both non-negative ints: an open-addressing table with linear probing, so its
 * memory follows the entries it holds, not the range of the ids. A page catalog numbers a trace's distinct pages
 * 0, 1, 2, ..., but each radix cache and each of the router's per-instance trees holds only the few it was sent;
 * an array indexed by id made every one of them as large as the whole trace (O(instances × distinct pages)).
 *
 * <p>Key and slot sit side by side in one {@code int[]}, so a lookup that hits its home slot is one memory access,
 * as an array indexed by id is. Ids are hashed in aligned groups of {@value #GROUP} (a multiply by 2^32/φ of
 * {@code id / GROUP}, the high bits kept) and keep their order inside the group, so the consecutive ids of a
 * chain's pages share a 64-byte line of the table, as they share a block of the paged form: a chain walk costs a
 * cache miss per group, not per page.
 * The key is stored plus one so that a fresh (zeroed) table already reads as empty. Removal shifts the rest of the
 * run back ({@link LinearProbing}), so millions of evictions leave no tombstones. At most half full: 8 to 16
 * bytes per entry.
 *
 * <p>While the ids held are dense enough — the directory below at most {@value #DIR_PER_ENTRY} entries per id held
 * plus {@value #DIR_FLOOR} — the map is a paged direct array instead: a directory indexed by {@code id / 32} of
 * 32-slot blocks, a block made when its first id arrives and recycled when its last leaves. A lookup is two loads
 * (the directory is small and stays in cache), no probing, and a chain's consecutive ids share a block. This is
 * what each of a few instances sharing a trace sees for the whole run (the catalog numbers a block's pages
 * consecutively, so an instance holding a sixteenth of the trace fills its blocks in runs); it replaces a flat
 * array indexed by id, which grew by doubling copies with the id range (hundreds of MB of copies in a 16-instance
 * run) and gave way to the slower table as soon as evictions held the entries below a thirty-second of the range.
 * The map moves to the table for good when the directory would outgrow its bound or the blocks in use hold fewer
 * than {@value #MIN_PER_BLOCK} ids each on average past {@value #BLOCKS_FLOOR} blocks (ids spread thinly: each of
 * many instances holding a small share of the trace), checked as blocks are made and as ids leave. So the blocks
 * take at most a quarter of a 144-byte block per id held (plus the floor), spare blocks at most a quarter of those
 * in use, and the directory, which does not shrink, 4 entries per id held at its largest plus
 * {@value #DIR_FLOOR}: 9 bytes per id held in all in a 16-instance serving run on the conversation trace.
 *
 * <p>A caller that knows its ids lie in a small range, and holds few maps, asks for the {@link #direct} form: an
 * array indexed by id, 2 bytes per id of the range whatever it holds, one load a lookup; a slot number past 65,533
 * moves it to the paged form. The clock-free policy replay, a cache per node over one trace's ids, takes it: the
 * paged form's directory, counts and scattered blocks cost it 15% of its time, and 4 bytes an id instead of 2
 * another 3-4%.
 */
public final class PageSlotMap
{
    private static final int ABSENT = -1;
    private static final int MIN_CAPACITY = 16;
    private static final int GOLDEN = 0x9E3779B9;
    /** log2 of the ids hashed together: 8 (key, slot) pairs are one 64-byte line. */
    private static final int GROUP_BITS = 3;
    private static final int GROUP = 1 << GROUP_BITS;
    private static final int BLOCK_BITS = 5;
    private static final int BLOCK = 1 << BLOCK_BITS;
    private static final int BLOCK_MASK = BLOCK - 1;
    private static final int DIR_PER_ENTRY = 4;
    private static final int DIR_FLOOR = 4_096;
    /** Fewest ids held per block, on average, while paged (past {@value #BLOCKS_FLOOR} blocks). */
    private static final int MIN_PER_BLOCK = 4;
    private static final int BLOCKS_FLOOR = 256;

    /**
     * Slot + 1 by key (0 is empty) in the direct form, 16 bits each so that more of a trace's ids stay in cache
     * beside the records they lead to; null in the other forms.
     */
    private char[] narrow;
    /** Blocks of slot + 1 by key (0 is empty), by {@code key / BLOCK}, while paged; null once it uses the table. */
    private int[][] blocks;
    /** Ids held per block. */
    private byte[] blockCounts;
    /** Emptied blocks (all zero) for reuse, so ids coming and going make no garbage. */
    private int[][] spare = new int[16][];
    private int spareCount;
    private int blocksInUse;

    /** key + 1 at {@code 2i} (0 is empty), slot at {@code 2i + 1}. */
    private int[] table;
    private int mask;
    private int shift;
    private int size;

    /** @param expectedEntries entries to make room for up front; the map grows past it on demand */
    public PageSlotMap(final int expectedEntries)
    {
        final int dir = Math.max(MIN_CAPACITY, Math.min(expectedEntries >>> 2, DIR_FLOOR));
        blocks = new int[dir][];
        blockCounts = new byte[dir];
    }

    /**
     * A map of ids in {@code [0, ids)} as an array indexed by id ({@code 2 * ids} bytes; a slot past 65,533 moves
     * it to the paged form); putting an id outside the range is an error.
     */
    public static PageSlotMap direct(final int ids)
    {
        if (ids < 0)
        {
            throw new IllegalArgumentException("a direct page slot map needs an id range >= 0, got " + ids);
        }
        return new PageSlotMap(new char[ids]);
    }

    private PageSlotMap(final char[] narrow)
    {
        this.narrow = narrow;
        this.spare = null;
    }

    public int size()
    {
        return size;
    }

    /** Whether the map is still in its paged form (for tests of when it leaves it). */
    boolean isPaged()
    {
        return blocks != null;
    }

    /** The slot of {@code key}, or -1. */
    public int get(final int key)
    {
        // the direct form here, the others out of line: small enough for C1 to compile into its callers
        final char[] nd = narrow;
        if (nd != null)
        {
            return key >= 0 && key < nd.length ? nd[key] - 1 : ABSENT;
        }
        return getIndirect(key);
    }

    /** {@link #get} in the paged and table forms. */
    private int getIndirect(final int key)
    {
        final int[][] b = blocks;
        if (b != null)
        {
            final int bi = key >>> BLOCK_BITS;
            if (bi >= b.length)
            {
                return ABSENT;
            }
            final int[] block = b[bi];
            return block == null ? ABSENT : block[key & BLOCK_MASK] - 1;
        }
        final int[] t = table;
        final int stored = key + 1;
        int i = home(key);
        int k;
        while ((k = t[i << 1]) != 0)
        {
            if (k == stored)
            {
                return t[(i << 1) + 1];
            }
            i = (i + 1) & mask;
        }
        return ABSENT;
    }

    public void put(final int key, final int value)
    {
        if (key < 0 || key == Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("page ids are in [0, 2^31 - 1), got " + key);
        }
        if (value < 0 || value == Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("slots are in [0, 2^31 - 1), got " + value);
        }
        final char[] nd = narrow;
        if (nd != null)
        {
            if (key >= nd.length)
            {
                throw outOfRange(key, nd.length);
            }
            if (value < Character.MAX_VALUE)
            {
                if (nd[key] == 0)
                {
                    size++;
                }
                nd[key] = (char)(value + 1);
                return;
            }
            leaveDirect();
        }
        if (blocks != null && putPaged(key, value))
        {
            return;
        }
        final int[] t = table;
        final int stored = key + 1;
        int i = home(key);
        int k;
        while ((k = t[i << 1]) != 0)
        {
            if (k == stored)
            {
                t[(i << 1) + 1] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        t[i << 1] = stored;
        t[(i << 1) + 1] = value;
        if (++size * 2 > mask + 1)
        {
            rehash((mask + 1) * 2);
        }
    }

    public void remove(final int key)
    {
        if (key < 0)
        {
            return;
        }
        final char[] nd = narrow;
        if (nd != null)
        {
            if (key < nd.length && nd[key] != 0)
            {
                nd[key] = 0;
                size--;
            }
            return;
        }
        final int[][] b = blocks;
        if (b != null)
        {
            removePaged(b, key);
            return;
        }
        final int[] t = table;
        final int stored = key + 1;
        int i = home(key);
        int k;
        while ((k = t[i << 1]) != stored)
        {
            if (k == 0)
            {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        int gap = i;
        int j = (i + 1) & mask;
        while ((k = t[j << 1]) != 0)
        {
            if (LinearProbing.movesIntoGap(home(k - 1), gap, j))
            {
                t[gap << 1] = k;
                t[(gap << 1) + 1] = t[(j << 1) + 1];
                gap = j;
            }
            j = (j + 1) & mask;
        }
        t[gap << 1] = 0;
        t[(gap << 1) + 1] = 0;
    }

    /** Puts into its block, growing the directory while the ids stay dense; false once it switched to the table. */
    private boolean putPaged(final int key, final int value)
    {
        final int bi = key >>> BLOCK_BITS;
        int[][] b = blocks;
        if (bi >= b.length)
        {
            final long limit = (long)DIR_PER_ENTRY * (size + 1) + DIR_FLOOR;
            if (bi >= limit)
            {
                toTable();
                return false;
            }
            final int n = (int)Math.min(limit, Math.max(bi + 1L, b.length * 2L));
            b = java.util.Arrays.copyOf(b, n);
            blocks = b;
            blockCounts = java.util.Arrays.copyOf(blockCounts, n);
        }
        int[] block = b[bi];
        if (block == null)
        {
            if (blocksInUse >= size / MIN_PER_BLOCK + BLOCKS_FLOOR)
            {
                toTable();
                return false;
            }
            blocksInUse++;
            block = spareCount > 0 ? spare[--spareCount] : new int[BLOCK];
            b[bi] = block;
        }
        final int i = key & BLOCK_MASK;
        if (block[i] == 0)
        {
            size++;
            blockCounts[bi]++;
        }
        block[i] = value + 1;
        return true;
    }

    private void removePaged(final int[][] b, final int key)
    {
        final int bi = key >>> BLOCK_BITS;
        if (bi >= b.length)
        {
            return;
        }
        final int[] block = b[bi];
        final int i = key & BLOCK_MASK;
        if (block == null || block[i] == 0)
        {
            return;
        }
        block[i] = 0;
        size--;
        if (--blockCounts[bi] == 0)
        {
            b[bi] = null;
            blocksInUse--;
            if (spareCount < blocksInUse / MIN_PER_BLOCK + MIN_CAPACITY)
            {
                if (spareCount == spare.length)
                {
                    spare = java.util.Arrays.copyOf(spare, spareCount * 2);
                }
                spare[spareCount++] = block;
            }
        }
        else if (blockCounts[bi] < MIN_PER_BLOCK && blocksInUse > size / MIN_PER_BLOCK + BLOCKS_FLOOR)
        {
            // only a block left thinly held can bring the average below the bound
            toTable();
        }
    }

    private void toTable()
    {
        final int[][] b = blocks;
        blocks = null;
        blockCounts = null;
        spare = null;
        allocate(Integer.highestOneBit(Math.max(MIN_CAPACITY, size + 1) * 2 - 1) * 2);
        final int held = size;
        size = 0;
        for (int bi = 0; bi < b.length; bi++)
        {
            final int[] block = b[bi];
            if (block == null)
            {
                continue;
            }
            for (int i = 0; i < BLOCK; i++)
            {
                if (block[i] != 0)
                {
                    put(bi << BLOCK_BITS | i, block[i] - 1);
                }
            }
        }
        assert size == held;
    }

    private static IllegalArgumentException outOfRange(final int key, final int ids)
    {
        return new IllegalArgumentException("page id " + key + " is outside this direct map's range [0, " + ids + ")");
    }

    /** A slot outgrew 16 bits: the map moves to the paged form (or on to the table), holding what it held. */
    private void leaveDirect()
    {
        final char[] nd = narrow;
        narrow = null;
        final int dir = Math.max(MIN_CAPACITY, Math.min(size >>> 2, DIR_FLOOR));
        blocks = new int[dir][];
        blockCounts = new byte[dir];
        spare = new int[16][];
        size = 0;
        for (int key = 0; key < nd.length; key++)
        {
            if (nd[key] != 0)
            {
                put(key, nd[key] - 1);
            }
        }
    }

    private int home(final int key)
    {
        return (((key >>> GROUP_BITS) * GOLDEN) >>> shift) << GROUP_BITS | (key & (GROUP - 1));
    }

    private void allocate(final int capacity)
    {
        table = new int[capacity * 2];
        mask = capacity - 1;
        // the group's number takes the high log2(capacity / GROUP) bits; capacity >= 2 * GROUP keeps shift < 32
        shift = Integer.numberOfLeadingZeros(capacity) + 1 + GROUP_BITS;
    }

    private void rehash(final int capacity)
    {
        final int[] old = table;
        allocate(capacity);
        for (int i = 0; i < old.length; i += 2)
        {
            final int k = old[i];
            if (k != 0)
            {
                int j = home(k - 1);
                while (table[j << 1] != 0)
                {
                    j = (j + 1) & mask;
                }
                table[j << 1] = k;
                table[(j << 1) + 1] = old[i + 1];
            }
        }
    }
}
