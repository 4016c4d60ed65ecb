package dev.kvtier.model.store;

import dev.kvtier.model.primitive.LinearProbing;

import java.util.ArrayList;
import java.util.List;

/**
 * The master's objects by key, plus a dense array of the same objects with their eviction-relevant fields
 * (lease deadline, soft-pin deadline, complete/hard-pin state) mirrored into primitive arrays. Lookups go through
 * the map; the eviction pass, which visits every object while the store is above its watermark, reads the
 * primitive arrays sequentially and touches an object only when it becomes a victim. The mirrored fields must
 * therefore be changed through this table ({@link #lease}, {@link #softPin}, {@link #refreshComplete}).
 * Whole-table walks that remove as they go work on snapshots ({@link #snapshot}).
 */
final class ObjectTable
{
    static final byte COMPLETE = 1;
    static final byte HARD_PIN = 2;

    /**
     * Open addressing by key: each slot holds an object and its key's hash, so a probe compares ints and touches
     * an object only on a hash match; no entry object per key (a hash map's node was a fifth of what the
     * collector copied per stored object).
     */
    private StoreObject[] slots = new StoreObject[2048];
    private int[] slotHashes = new int[2048];
    private int slotMask = 2047;
    private StoreObject[] dense = new StoreObject[1024];
    private long[] leases = new long[1024];
    private long[] softPins = new long[1024];
    private byte[] states = new byte[1024];
    private int size;

    StoreObject get(final String key)
    {
        final int h = key.hashCode();
        int i = spread(h) & slotMask;
        StoreObject o;
        while ((o = slots[i]) != null)
        {
            if (slotHashes[i] == h && (o.key == key || o.key.equals(key)))
            {
                return o;
            }
            i = (i + 1) & slotMask;
        }
        return null;
    }

    void put(final StoreObject o)
    {
        final StoreObject old = removeSlot(o.key);
        if (old != null)
        {
            eraseDense(old);
        }
        if ((size + 1) * 2 > slots.length)
        {
            final StoreObject[] oldSlots = slots;
            final int[] oldHashes = slotHashes;
            slots = new StoreObject[oldSlots.length * 2];
            slotHashes = new int[oldSlots.length * 2];
            slotMask = slots.length - 1;
            for (int i = 0; i < oldSlots.length; i++)
            {
                if (oldSlots[i] != null)
                {
                    place(oldSlots[i], oldHashes[i]);
                }
            }
        }
        place(o, o.key.hashCode());
        if (size == dense.length)
        {
            dense = java.util.Arrays.copyOf(dense, size * 2);
            leases = java.util.Arrays.copyOf(leases, size * 2);
            softPins = java.util.Arrays.copyOf(softPins, size * 2);
            states = java.util.Arrays.copyOf(states, size * 2);
        }
        o.denseIndex = size;
        dense[size] = o;
        mirror(o);
        size++;
    }

    private void mirror(final StoreObject o)
    {
        final int i = o.denseIndex;
        leases[i] = o.leaseTimeoutMs;
        softPins[i] = o.softPinDeadlineMs;
        states[i] = (byte)((o.complete ? COMPLETE : 0) | (o.hardPin ? HARD_PIN : 0));
    }

    /** Sets the object's lease deadline. */
    void lease(final StoreObject o, final long untilMs)
    {
        o.leaseTimeoutMs = untilMs;
        if (o.denseIndex >= 0)
        {
            leases[o.denseIndex] = untilMs;
        }
    }

    /** Sets the object's soft-pin deadline. */
    void softPin(final StoreObject o, final long untilMs)
    {
        o.softPinDeadlineMs = untilMs;
        if (o.denseIndex >= 0)
        {
            softPins[o.denseIndex] = untilMs;
        }
    }

    /** Recomputes the object's all-replicas-complete flag after its replicas changed. */
    void refreshComplete(final StoreObject o)
    {
        o.refreshComplete();
        if (o.denseIndex >= 0)
        {
            mirror(o);
        }
    }

    long[] leases()
    {
        return leases;
    }

    long[] softPins()
    {
        return softPins;
    }

    byte[] states()
    {
        return states;
    }

    void remove(final String key)
    {
        final StoreObject o = removeSlot(key);
        if (o != null)
        {
            eraseDense(o);
        }
    }

    private void eraseDense(final StoreObject o)
    {
        final int i = o.denseIndex;
        final StoreObject last = dense[--size];
        dense[i] = last;
        leases[i] = leases[size];
        softPins[i] = softPins[size];
        states[i] = states[size];
        last.denseIndex = i;
        dense[size] = null;
        o.denseIndex = -1;
    }

    private static int spread(final int h)
    {
        final int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private void place(final StoreObject o, final int h)
    {
        int i = spread(h) & slotMask;
        while (slots[i] != null)
        {
            i = (i + 1) & slotMask;
        }
        slots[i] = o;
        slotHashes[i] = h;
    }

    private StoreObject removeSlot(final String key)
    {
        final int h = key.hashCode();
        int i = spread(h) & slotMask;
        StoreObject o;
        while ((o = slots[i]) != null && !(slotHashes[i] == h && (o.key == key || o.key.equals(key))))
        {
            i = (i + 1) & slotMask;
        }
        if (o == null)
        {
            return null;
        }
        int gap = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & slotMask;
            if (slots[j] == null)
            {
                break;
            }
            final int home = spread(slotHashes[j]) & slotMask;
            if (LinearProbing.movesIntoGap(home, gap, j))
            {
                slots[gap] = slots[j];
                slotHashes[gap] = slotHashes[j];
                gap = j;
            }
        }
        slots[gap] = null;
        return o;
    }

    int size()
    {
        return size;
    }

    /** The i-th object of the dense array, {@code 0 <= i < size()}; order is unspecified. */
    StoreObject at(final int i)
    {
        return dense[i];
    }

    /** A copy of the keys in map order, safe to iterate while removing. */
    List<String> keySnapshot()
    {
        final List<String> out = new ArrayList<>(size);
        for (final StoreObject o : slots)
        {
            if (o != null)
            {
                out.add(o.key);
            }
        }
        return out;
    }

    /** A copy of the objects in map order, safe to iterate while removing. */
    List<StoreObject> snapshot()
    {
        final List<StoreObject> out = new ArrayList<>(size);
        for (final StoreObject o : slots)
        {
            if (o != null)
            {
                out.add(o);
            }
        }
        return out;
    }
}
