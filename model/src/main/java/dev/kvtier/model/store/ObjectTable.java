package dev.kvtier.model.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The master's objects by key, plus a dense array of the same objects with their eviction-relevant fields
 * (lease deadline, soft-pin deadline, complete/hard-pin state) mirrored into primitive arrays. Lookups go through
 * the map; the eviction pass, which visits every object while the store is above its watermark, reads the
 * primitive arrays sequentially and touches an object only when it becomes a victim. The mirrored fields must
 * therefore be changed through this table ({@link #lease}, {@link #softPin}, {@link #refreshComplete}).
 * Whole-table walks that remove as they go ({@link #snapshot}) still see the map's order.
 */
final class ObjectTable
{
    static final byte COMPLETE = 1;
    static final byte HARD_PIN = 2;

    private final Map<String, StoreObject> byKey = new HashMap<>();
    private StoreObject[] dense = new StoreObject[1024];
    private long[] leases = new long[1024];
    private long[] softPins = new long[1024];
    private byte[] states = new byte[1024];
    private int size;

    StoreObject get(final String key)
    {
        return byKey.get(key);
    }

    void put(final StoreObject o)
    {
        final StoreObject old = byKey.put(o.key, o);
        if (old != null)
        {
            eraseDense(old);
        }
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
        final StoreObject o = byKey.remove(key);
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
        return new ArrayList<>(byKey.keySet());
    }

    /** A copy of the objects in map order, safe to iterate while removing. */
    List<StoreObject> snapshot()
    {
        return new ArrayList<>(byKey.values());
    }
}
