package dev.kvtier.model.transfer;

import java.io.IOException;

/**
 * The port through which segments' endpoints are published and found: the metadata service of a live cluster
 * (HTTP, blocking), or a table in one process. Only {@link #cached} may be called where blocking is not allowed
 * (a node's thread); the live runtime calls the others on its transfer threads.
 */
public interface EndpointDirectory
{
    /** Makes {@code endpoint} findable under its segment name; may block on the network. */
    void publish(SegmentEndpoint endpoint) throws IOException;

    /**
     * Publishes {@code endpoint} again if the directory lost it (a restarted metadata service); may block on the
     * network. A directory that cannot lose entries does nothing.
     *
     * @return true if it published
     */
    default boolean republishIfMissing(final SegmentEndpoint endpoint) throws IOException
    {
        return false;
    }

    /** Removes a segment's endpoint, best effort; may block on the network. */
    void withdraw(String segment);

    /** The endpoint if this process already knows it, else null; never blocks. */
    SegmentEndpoint cached(String segment);

    /**
     * The endpoint of {@code segment}; may block on the network.
     *
     * @throws IOException when the segment is not published or the directory cannot be reached
     */
    SegmentEndpoint lookup(String segment) throws IOException;

    /** Forgets a cached endpoint (its peer failed), so the next lookup asks the directory again. */
    void invalidate(String segment);
}
