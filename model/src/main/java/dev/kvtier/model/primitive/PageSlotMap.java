package dev.kvtier.model.primitive;

/**
 * Map from a page id to a slot index, both non-negative ints: an open-addressing table with linear probing, so its
 * memory follows the entries it holds, not the range of the ids. A page catalog numbers a trace's distinct pages
 * 0, 1, 2, ..., but each radix cache and each of the router's per-instance trees holds only the few it was sent;
 * an array indexed by id made every one of them as large as the whole trace (O(instances × distinct pages)).
 *
 * <p>Key and slot sit side by side in one {@code int[]}, so a lookup that hits its home slot is one memory access,
 * as the direct array was. Ids are hashed in aligned groups of {@value #GROUP} (a multiply by 2^32/φ of
 * {@code id / GROUP}, the high bits kept) and keep their order inside the group, so the consecutive ids of a
 * chain's pages share a 64-byte line of the table, as they share one of the direct array: a chain walk costs a
 * cache miss per group, not per page.
 * The key is stored plus one so that a fresh (zeroed) table already reads as empty. Removal shifts the rest of the
 * run back ({@link LinearProbing}), so millions of evictions leave no tombstones. At most half full: 8 to 16
 * bytes per entry.
 *
 * <p>While the ids held are dense — the largest below {@value #DIRECT_PER_ENTRY} times the entries held plus
 * {@value #DIRECT_FLOOR} — the map is that direct array (one load a lookup, a chain's consecutive ids side by
 * side), which is what a few instances sharing a trace see; it switches to the table for good the first time an id
 * lies beyond, which is what each of many instances holding a small share of the trace sees. Memory stays within
 * {@value #DIRECT_PER_ENTRY} ints per entry plus the floor either way.
 */
public final class PageSlotMap
{
    private static final int ABSENT = -1;
    private static final int MIN_CAPACITY = 16;
    private static final int GOLDEN = 0x9E3779B9;
    /** log2 of the ids hashed together: 8 (key, slot) pairs are one 64-byte line. */
    private static final int GROUP_BITS = 3;
    private static final int GROUP = 1 << GROUP_BITS;
    private static final int DIRECT_PER_ENTRY = 32;
    private static final int DIRECT_FLOOR = 16_384;

    /** slot + 1 by key (0 is empty) while the ids are dense; null once the map uses the table. */
    private int[] direct;

    /** key + 1 at {@code 2i} (0 is empty), slot at {@code 2i + 1}. */
    private int[] table;
    private int mask;
    private int shift;
    private int size;

    /** @param expectedEntries entries to make room for up front; the map grows past it on demand */
    public PageSlotMap(final int expectedEntries)
    {
        direct = new int[Math.max(MIN_CAPACITY, Math.min(expectedEntries, DIRECT_FLOOR))];
    }

    public int size()
    {
        return size;
    }

    /** The slot of {@code key}, or -1. */
    public int get(final int key)
    {
        final int[] d = direct;
        if (d != null)
        {
            return key >= 0 && key < d.length ? d[key] - 1 : ABSENT;
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
        if (direct != null && putDirect(key, value))
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
        final int[] d = direct;
        if (d != null)
        {
            if (key < d.length && d[key] != 0)
            {
                d[key] = 0;
                size--;
            }
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

    /** Puts into the direct array, growing it while the ids stay dense; false once it switched to the table. */
    private boolean putDirect(final int key, final int value)
    {
        int[] d = direct;
        if (key >= d.length)
        {
            final long limit = (long)DIRECT_PER_ENTRY * (size + 1) + DIRECT_FLOOR;
            if (key >= limit)
            {
                toTable();
                return false;
            }
            d = java.util.Arrays.copyOf(d, (int)Math.min(limit, Math.max(key + 1L, d.length * 2L)));
            direct = d;
        }
        if (d[key] == 0)
        {
            size++;
        }
        d[key] = value + 1;
        return true;
    }

    private void toTable()
    {
        final int[] d = direct;
        direct = null;
        allocate(Integer.highestOneBit(Math.max(MIN_CAPACITY, size + 1) * 2 - 1) * 2);
        final int held = size;
        size = 0;
        for (int key = 0; key < d.length; key++)
        {
            if (d[key] != 0)
            {
                put(key, d[key] - 1);
            }
        }
        assert size == held;
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
