package dev.kvtier.live.router;

import dev.kvtier.live.runtime.LiveRuntime;
import dev.kvtier.model.node.NodeId;

import java.util.ArrayList;
import java.util.List;

/**
 * The workers a router forwards to, in the order the router node indexes them: each URL has a node address the
 * node routes to, and a health flag the health checks and failed forwards keep. A removed worker keeps its index
 * (the node's arrays only grow) and is never revived by a health check.
 */
final class WorkerPool
{
    private static final int BASE = LiveRuntime.REMOTE_BASE + 16;

    private final List<String> urls = new ArrayList<>();
    private final List<Boolean> healthy = new ArrayList<>();
    private final List<Boolean> removed = new ArrayList<>();

    synchronized int add(final String url)
    {
        final String u = RouterSettings.normalize(url);
        int i = urls.indexOf(u);
        if (i < 0)
        {
            i = urls.size();
            urls.add(u);
            healthy.add(true);
            removed.add(false);
        }
        removed.set(i, false);
        return i;
    }

    /** The index of {@code url}, or -1. */
    synchronized int indexOf(final String url)
    {
        return urls.indexOf(RouterSettings.normalize(url));
    }

    synchronized void remove(final int i)
    {
        removed.set(i, true);
        healthy.set(i, false);
    }

    synchronized boolean removed(final int i)
    {
        return removed.get(i);
    }

    synchronized void healthy(final int i, final boolean ok)
    {
        healthy.set(i, ok && !removed.get(i));
    }

    synchronized boolean healthy(final int i)
    {
        return healthy.get(i);
    }

    synchronized int size()
    {
        return urls.size();
    }

    synchronized String url(final int i)
    {
        return urls.get(i);
    }

    static NodeId id(final int i, final String url)
    {
        return new NodeId(BASE + i, url);
    }

    /** The pool index of a node address, or -1. */
    static int index(final NodeId id)
    {
        return id.index() >= BASE ? id.index() - BASE : -1;
    }

    /** The first healthy worker, or -1. */
    synchronized int firstHealthy()
    {
        for (int i = 0; i < urls.size(); i++)
        {
            if (healthy.get(i))
            {
                return i;
            }
        }
        return -1;
    }
}
