package dev.kvtier.model.node;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Callbacks waiting for a reply or a transfer, keyed by the id the node put on the request. A node that pipelines
 * many RPCs and transfers registers a continuation here and dispatches the answer by id, the way a client matches
 * replies to request ids on one connection.
 */
public final class Completions<T>
{
    private final Map<Long, Consumer<T>> pending = new HashMap<>();
    private long nextId = 1;

    /** Registers {@code onDone} and returns the id to put on the request. */
    public long register(final Consumer<T> onDone)
    {
        final long id = nextId++;
        pending.put(id, onDone);
        return id;
    }

    /** Runs and forgets the callback for {@code id}; false if none was waiting (late or duplicate answer). */
    public boolean complete(final long id, final T value)
    {
        final Consumer<T> c = pending.remove(id);
        if (c == null)
        {
            return false;
        }
        c.accept(value);
        return true;
    }

    public int size()
    {
        return pending.size();
    }
}
