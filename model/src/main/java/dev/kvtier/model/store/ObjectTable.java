package dev.kvtier.model.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The master's objects by key, plus a dense array of the same objects. Lookups go through the map; the eviction
 * pass, which visits every object every 10 ms while the store is above its watermark, walks the array instead of
 * the map's buckets. Whole-table walks that remove as they go ({@link #snapshot}) still see the map's order, which
 * keeps those results as before.
 */
final class ObjectTable
{
    private final Map<String, StoreObject> byKey = new HashMap<>();
    private StoreObject[] dense = new StoreObject[1024];
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
        }
        o.denseIndex = size;
        dense[size++] = o;
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
