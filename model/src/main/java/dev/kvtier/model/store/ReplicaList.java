package dev.kvtier.model.store;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * An object's replicas, in placement order. Nearly every object has exactly one, so the first lives in a field
 * and only further ones get an array: a full store keeps hundreds of thousands of objects, and a list object
 * plus its backing array per object doubled what the garbage collector had to copy.
 */
class ReplicaList implements Iterable<StoreObject.Replica>
{
    private StoreObject.Replica first;
    private StoreObject.Replica[] more;
    private int size;

    void add(final StoreObject.Replica r)
    {
        if (size == 0)
        {
            first = r;
        }
        else
        {
            if (more == null)
            {
                more = new StoreObject.Replica[2];
            }
            else if (size - 1 == more.length)
            {
                more = Arrays.copyOf(more, more.length * 2);
            }
            more[size - 1] = r;
        }
        size++;
    }

    StoreObject.Replica get(final int i)
    {
        if (i < 0 || i >= size)
        {
            throw new IndexOutOfBoundsException(i);
        }
        return i == 0 ? first : more[i - 1];
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    void clear()
    {
        first = null;
        more = null;
        size = 0;
    }

    /** Removes every replica matching {@code filter}, keeping the order of the rest; true if any was removed. */
    boolean removeIf(final Predicate<StoreObject.Replica> filter)
    {
        int kept = 0;
        final StoreObject.Replica[] all = new StoreObject.Replica[size];
        for (int i = 0; i < size; i++)
        {
            final StoreObject.Replica r = get(i);
            if (!filter.test(r))
            {
                all[kept++] = r;
            }
        }
        if (kept == size)
        {
            return false;
        }
        clear();
        for (int i = 0; i < kept; i++)
        {
            add(all[i]);
        }
        return true;
    }

    @Override
    public Iterator<StoreObject.Replica> iterator()
    {
        return new Iterator<>()
        {
            private int next;

            @Override
            public boolean hasNext()
            {
                return next < size;
            }

            @Override
            public StoreObject.Replica next()
            {
                if (next >= size)
                {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }
}
