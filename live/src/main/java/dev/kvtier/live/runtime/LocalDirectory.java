package dev.kvtier.live.runtime;

import dev.kvtier.model.transfer.EndpointDirectory;
import dev.kvtier.model.transfer.SegmentEndpoint;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An endpoint directory for runtimes in one process (tests, a single-process cluster): a shared table instead of
 * the metadata service, so segments are found without HTTP but through the same port the runtime uses live.
 */
public final class LocalDirectory implements EndpointDirectory
{
    private final Map<String, SegmentEndpoint> table = new ConcurrentHashMap<>();

    @Override
    public void publish(final SegmentEndpoint endpoint)
    {
        table.put(endpoint.segment(), endpoint);
    }

    @Override
    public void withdraw(final String segment)
    {
        table.remove(segment);
    }

    @Override
    public SegmentEndpoint cached(final String segment)
    {
        return table.get(segment);
    }

    @Override
    public SegmentEndpoint lookup(final String segment) throws IOException
    {
        final SegmentEndpoint e = table.get(segment);
        if (e == null)
        {
            throw new IOException("segment " + segment + " is not published");
        }
        return e;
    }

    @Override
    public void invalidate(final String segment)
    {
        // the table is the directory itself: nothing cached to forget
    }
}
