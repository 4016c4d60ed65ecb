package dev.kvtier.model.node;

import dev.kvtier.model.primitive.LinearProbing;

import java.util.function.Consumer;

/**
 * Callbacks waiting for a reply or a transfer, keyed by the id the node put on the request. A node that pipelines
 * many RPCs and transfers registers a continuation here and dispatches the answer by id, the way a client matches
 * replies to request ids on one connection. Ids are handed out in sequence, so the table is an open-addressing
 * array keyed by the id itself: no boxing and no entry object per request on a path taken millions of times.
 */
public final class Completions<T>
{
    private long[] ids = new long[64];
    private Object[] callbacks = new Object[64];
    private int mask = 63;
    private int size;
    private long nextId = 1;

    /** Registers {@code onDone} and returns the id to put on the request. */
    public long register(final Consumer<T> onDone)
    {
        final long id = nextId++;
        if ((size + 1) * 2 > ids.length)
        {
            grow();
        }
        insert(id, onDone);
        size++;
        return id;
    }

    private void insert(final long id, final Object callback)
    {
        int i = (int)id & mask;
        while (callbacks[i] != null)
        {
            i = (i + 1) & mask;
        }
        ids[i] = id;
        callbacks[i] = callback;
    }

    private void grow()
    {
        final long[] oldIds = ids;
        final Object[] oldCallbacks = callbacks;
        ids = new long[oldIds.length * 2];
        callbacks = new Object[oldIds.length * 2];
        mask = ids.length - 1;
        for (int i = 0; i < oldIds.length; i++)
        {
            if (oldCallbacks[i] != null)
            {
                insert(oldIds[i], oldCallbacks[i]);
            }
        }
    }

    /** Runs and forgets the callback for {@code id}; false if none was waiting (late or duplicate answer). */
    @SuppressWarnings("unchecked")
    public boolean complete(final long id, final T value)
    {
        int i = (int)id & mask;
        while (callbacks[i] != null && ids[i] != id)
        {
            i = (i + 1) & mask;
        }
        final Object c = callbacks[i];
        if (c == null)
        {
            return false;
        }
        removeAt(i);
        size--;
        ((Consumer<T>)c).accept(value);
        return true;
    }

    /** Backward-shift deletion: later entries of the same run move up so lookups never stop early. */
    private void removeAt(final int slot)
    {
        int gap = slot;
        int j = slot;
        while (true)
        {
            j = (j + 1) & mask;
            if (callbacks[j] == null)
            {
                break;
            }
            final int home = (int)ids[j] & mask;
            if (LinearProbing.movesIntoGap(home, gap, j))
            {
                ids[gap] = ids[j];
                callbacks[gap] = callbacks[j];
                gap = j;
            }
        }
        callbacks[gap] = null;
        ids[gap] = 0;
    }

    /** Whether a callback is still waiting for {@code id}. */
    public boolean pending(final long id)
    {
        int i = (int)id & mask;
        while (callbacks[i] != null && ids[i] != id)
        {
            i = (i + 1) & mask;
        }
        return callbacks[i] != null;
    }

    public int size()
    {
        return size;
    }
}
