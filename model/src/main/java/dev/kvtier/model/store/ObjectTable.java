package dev.kvtier.model.store;

import dev.kvtier.model.primitive.LinearProbing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The master's objects as rows of primitive arrays, found by key through an open-addressing index. A full store
 * holds hundreds of thousands of objects that live for minutes; as Java objects (object, replica, list) they were
 * most of what the collector copied during a serving run, and an existence check touched five cache lines. Here
 * an object is a row: the fields every lookup and the eviction scan read (lease, soft-pin deadline, state,
 * replica chain, size) sit together in one 64-byte record with the key's digest as four longs (a string key's
 * string in a column), so a lookup that finds its key has the fields it reads next in the same or the adjacent
 * cache line; the rest sit in columns, and replicas in a {@link ReplicaPool}.
 *
 * <p>Rows are dense, {@code 0 <= row < size()}: removing a row moves the last one into its place, so a row number
 * is only good until the next removal. Code that removes while it walks holds keys ({@link #keySnapshot}) and
 * finds each row again with {@link #find}.
 */
final class ObjectTable
{
    /** All replicas complete (and at least one): readable and, unless hard-pinned, evictable. */
    static final int COMPLETE = 1;
    static final int HARD_PIN = 2;
    /** At least one replica complete: readable. */
    static final int ANY_COMPLETE = 4;
    static final int STRIDE = 8;
    static final int LEASE = 0;
    static final int SOFT_PIN = 1;
    /** State bits in the low byte, replica count in the next 24 bits, the replica chain's head above. */
    static final int STATE = 2;
    private static final int SIZE = 3;
    /** A digest key's four words ({@link StoreKey#word}), beside the fields a lookup reads next; 0 for a string key. */
    private static final int KEY = 4;
    private static final int EMPTY = 0;

    /** Pairs per slot: the key's hash, then row + 1 (0 = empty). Probes compare ints before touching a key. */
    private int[] slots = new int[2 * 2048];
    private int slotMask = 2047;
    private long[] hot = new long[1024 * STRIDE];
    /** A string key's string per row; null for a digest key. */
    private String[] keyTexts = new String[1024];
    /** Where each row's pair sits in {@link #slots}: a removal finds its slot and the moved last row's without
     * reading either key (two strings, each a cache miss, and a probe each, for every object evicted). */
    private int[] slotOfRow = new int[1024];
    private long[] clientIds = new long[1024];
    private long[] putStarts = new long[1024];
    private long[] softPinTtls = new long[1024];
    private final ReplicaPool replicas = new ReplicaPool();
    private int size;
    /** Index slots of the keys being warmed ({@link #warm}). */
    private int[] warmSlots = new int[64];
    /** Where {@link #warm} leaves what it read, so the reads are made. */
    private long warmSink;

    int size()
    {
        return size;
    }

    /** The row of {@code key}, or -1. */
    int find(final StoreKey key)
    {
        final int h = key.hashCode();
        int i = spread(h) & slotMask;
        int row;
        while ((row = slots[2 * i + 1]) != EMPTY)
        {
            if (slots[2 * i] == h)
            {
                if (holds(row - 1, key))
                {
                    return row - 1;
                }
            }
            i = (i + 1) & slotMask;
        }
        return -1;
    }

    /**
     * Reads the index slots, then the records, of {@code keys} before they are found one by one. The reads of
     * different keys do not wait on each other, so their cache misses overlap (in a table of hundreds of thousands
     * of objects each lookup of a batch is a miss or two, taken in turn when the finds run alone), and the finds
     * that follow hit the cache. A record is read only when its slot holds the key's hash: a slot taken by another
     * key (as it is for many absent keys, which existence queries ask about) would cost a miss for a record the
     * find never reads. Nothing changes: it only reads.
     */
    void warm(final List<StoreKey> keys)
    {
        final int n = keys.size();
        if (n < 2)
        {
            return;
        }
        if (n > warmSlots.length)
        {
            warmSlots = new int[Math.max(n, warmSlots.length * 2)];
        }
        final int[] at = warmSlots;
        final int[] s = slots;
        final int mask = slotMask;
        long read = 0;
        for (int k = 0; k < n; k++)
        {
            final int i = spread(keys.get(k).hashCode()) & mask;
            at[k] = i;
            read += s[2 * i + 1];
        }
        final long[] h = hot;
        for (int k = 0; k < n; k++)
        {
            final int row = s[2 * at[k] + 1];
            if (row != EMPTY && s[2 * at[k]] == keys.get(k).hashCode())
            {
                read += h[(row - 1) * STRIDE + KEY];
            }
        }
        warmSink = read;
    }

    /** Adds an object with no replicas under a key that is not present; returns its row. */
    int insert(final StoreKey key, final long clientId, final long size, final long putStartMs,
        final boolean hardPin, final long softPinTtlMs)
    {
        if ((this.size + 1) * 2 > slotMask + 1)
        {
            final int[] old = slots;
            slots = new int[old.length * 2];
            slotMask = old.length - 1;
            for (int i = 0; i < old.length; i += 2)
            {
                if (old[i + 1] != EMPTY)
                {
                    place(old[i], old[i + 1] - 1);
                }
            }
        }
        final int row = this.size++;
        if (row == keyTexts.length)
        {
            final int n = keyTexts.length * 2;
            hot = Arrays.copyOf(hot, n * STRIDE);
            keyTexts = Arrays.copyOf(keyTexts, n);
            slotOfRow = Arrays.copyOf(slotOfRow, n);
            clientIds = Arrays.copyOf(clientIds, n);
            putStarts = Arrays.copyOf(putStarts, n);
            softPinTtls = Arrays.copyOf(softPinTtls, n);
        }
        place(key.hashCode(), row);
        setKey(row, key);
        clientIds[row] = clientId;
        putStarts[row] = putStartMs;
        softPinTtls[row] = softPinTtlMs;
        final int b = row * STRIDE;
        hot[b + LEASE] = 0;
        hot[b + SOFT_PIN] = -1;
        hot[b + STATE] = state(hardPin ? HARD_PIN : 0, 0, ReplicaPool.NONE);
        hot[b + SIZE] = size;
        return row;
    }

    /** Removes a row and its replicas (their allocations are the caller's to free first). */
    void remove(final int row)
    {
        for (int e = firstReplica(row); e != ReplicaPool.NONE; )
        {
            final int next = replicas.next(e);
            replicas.release(e);
            e = next;
        }
        removeSlot(row);
        final int last = --size;
        if (row != last)
        {
            repoint(last, row);
            System.arraycopy(hot, last * STRIDE, hot, row * STRIDE, STRIDE);
            keyTexts[row] = keyTexts[last];
            clientIds[row] = clientIds[last];
            putStarts[row] = putStarts[last];
            softPinTtls[row] = softPinTtls[last];
        }
        keyTexts[last] = null;
    }

    // ---- fields ---------------------------------------------------------------------------------------------------

    /** The key of a row (made from its columns: a new object equal to the one inserted). */
    StoreKey key(final int row)
    {
        final String text = keyTexts[row];
        final int b = row * STRIDE + KEY;
        return text != null ? StoreKey.of(text) : StoreKey.ofWords(hot[b], hot[b + 1], hot[b + 2], hot[b + 3]);
    }

    /** Whether {@code row} holds {@code key}: four longs compared for a digest key, the strings for another. */
    boolean holds(final int row, final StoreKey key)
    {
        final String text = key.text();
        if (text != null)
        {
            return text.equals(keyTexts[row]);
        }
        final int b = row * STRIDE + KEY;
        final long w0 = key.word(0);
        final long w1 = key.word(1);
        final long w2 = key.word(2);
        final long w3 = key.word(3);
        // a string key's row holds zero words, so only the all-zero digest needs the string column read
        return hot[b] == w0 && hot[b + 1] == w1 && hot[b + 2] == w2 && hot[b + 3] == w3
            && ((w0 | w1 | w2 | w3) != 0 || keyTexts[row] == null);
    }

    private void setKey(final int row, final StoreKey key)
    {
        final int b = row * STRIDE + KEY;
        keyTexts[row] = key.text();
        for (int i = 0; i < 4; i++)
        {
            hot[b + i] = key.word(i);
        }
    }

    long clientId(final int row)
    {
        return clientIds[row];
    }

    long putStartMs(final int row)
    {
        return putStarts[row];
    }

    long softPinTtlMs(final int row)
    {
        return softPinTtls[row];
    }

    long size(final int row)
    {
        return hot[row * STRIDE + SIZE];
    }

    long leaseMs(final int row)
    {
        return hot[row * STRIDE + LEASE];
    }

    void lease(final int row, final long untilMs)
    {
        hot[row * STRIDE + LEASE] = untilMs;
    }

    void softPin(final int row, final long untilMs)
    {
        hot[row * STRIDE + SOFT_PIN] = untilMs;
    }

    boolean hasFlag(final int row, final int flag)
    {
        return (hot[row * STRIDE + STATE] & flag) != 0;
    }

    /** The records of all rows, {@link #STRIDE} longs each, for the eviction scan; valid until the next insert. */
    long[] hot()
    {
        return hot;
    }

    // ---- replicas -------------------------------------------------------------------------------------------------

    ReplicaPool replicas()
    {
        return replicas;
    }

    int replicaCount(final int row)
    {
        return (int)(hot[row * STRIDE + STATE] >>> 8) & 0xFF_FFFF;
    }

    /** The first replica entry in placement order, or {@link ReplicaPool#NONE}; follow with the pool's next. */
    int firstReplica(final int row)
    {
        return (int)(hot[row * STRIDE + STATE] >> 32);
    }

    /** Appends a PROCESSING replica. */
    void addReplica(final int row, final long segmentId, final int allocation, final long offset)
    {
        final int e = replicas.add(segmentId, allocation, offset, ReplicaStatus.PROCESSING);
        int head = firstReplica(row);
        if (head == ReplicaPool.NONE)
        {
            head = e;
        }
        else
        {
            int tail = head;
            while (replicas.next(tail) != ReplicaPool.NONE)
            {
                tail = replicas.next(tail);
            }
            replicas.next(tail, e);
        }
        setChain(row, head, replicaCount(row) + 1);
    }

    /** Unlinks, in order, every replica entry {@code test} accepts; returns how many went. */
    int removeReplicasIf(final int row, final IntPredicate test)
    {
        int head = firstReplica(row);
        int prev = ReplicaPool.NONE;
        int removed = 0;
        for (int e = head; e != ReplicaPool.NONE; )
        {
            final int next = replicas.next(e);
            if (test.test(e))
            {
                if (prev == ReplicaPool.NONE)
                {
                    head = next;
                }
                else
                {
                    replicas.next(prev, next);
                }
                replicas.release(e);
                removed++;
            }
            else
            {
                prev = e;
            }
            e = next;
        }
        if (removed > 0)
        {
            setChain(row, head, replicaCount(row) - removed);
        }
        return removed;
    }

    /** Whether any replica has {@code status}. */
    boolean anyReplica(final int row, final ReplicaStatus status)
    {
        for (int e = firstReplica(row); e != ReplicaPool.NONE; e = replicas.next(e))
        {
            if (replicas.status(e) == status)
            {
                return true;
            }
        }
        return false;
    }

    /** Recomputes the complete flags after the row's replicas changed. */
    void refreshComplete(final int row)
    {
        boolean all = firstReplica(row) != ReplicaPool.NONE;
        boolean any = false;
        for (int e = firstReplica(row); e != ReplicaPool.NONE; e = replicas.next(e))
        {
            final boolean complete = replicas.status(e) == ReplicaStatus.COMPLETE;
            all &= complete;
            any |= complete;
        }
        final int b = row * STRIDE + STATE;
        final int flags = ((int)hot[b] & HARD_PIN) | (all ? COMPLETE : 0) | (any ? ANY_COMPLETE : 0);
        hot[b] = (hot[b] & ~0xFFL) | flags;
    }

    private void setChain(final int row, final int head, final int count)
    {
        final int b = row * STRIDE + STATE;
        hot[b] = state((int)hot[b] & 0xFF, count, head);
    }

    private static long state(final int flags, final int count, final int head)
    {
        return (flags & 0xFF) | ((long)(count & 0xFF_FFFF) << 8) | ((long)head << 32);
    }

    // ---- the key index --------------------------------------------------------------------------------------------

    private static int spread(final int h)
    {
        final int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private void place(final int h, final int row)
    {
        int i = spread(h) & slotMask;
        while (slots[2 * i + 1] != EMPTY)
        {
            i = (i + 1) & slotMask;
        }
        slots[2 * i] = h;
        slots[2 * i + 1] = row + 1;
        slotOfRow[row] = i;
    }

    /** The slot pointed at row {@code from} now points at row {@code to}. */
    private void repoint(final int from, final int to)
    {
        final int i = slotOfRow[from];
        slots[2 * i + 1] = to + 1;
        slotOfRow[to] = i;
    }

    private void removeSlot(final int row)
    {
        int gap = slotOfRow[row];
        int j = gap;
        while (true)
        {
            j = (j + 1) & slotMask;
            if (slots[2 * j + 1] == EMPTY)
            {
                break;
            }
            final int home = spread(slots[2 * j]) & slotMask;
            if (LinearProbing.movesIntoGap(home, gap, j))
            {
                slots[2 * gap] = slots[2 * j];
                slots[2 * gap + 1] = slots[2 * j + 1];
                slotOfRow[slots[2 * j + 1] - 1] = gap;
                gap = j;
            }
        }
        slots[2 * gap + 1] = EMPTY;
    }

    /** The keys in index order, safe to walk while removing. */
    List<StoreKey> keySnapshot()
    {
        final List<StoreKey> out = new ArrayList<>(size);
        for (int i = 1; i < slots.length; i += 2)
        {
            if (slots[i] != EMPTY)
            {
                out.add(key(slots[i] - 1));
            }
        }
        return out;
    }
}
