package dev.kvtier.model.hicache;

/**
 * What {@link HiRadixCache#match} found for a page chain: a device-resident prefix followed by a host-only part.
 * Reused across calls to keep matching allocation-free.
 */
public final class MatchResult
{
    int devicePages;
    int hostPages;

    /** Leading pages resident on the GPU. */
    public int devicePages()
    {
        return devicePages;
    }

    /** Pages after the device prefix held only in host memory (they need load-back). */
    public int hostPages()
    {
        return hostPages;
    }

    /** Device plus host pages: the longest cached prefix on this instance. */
    public int matchedPages()
    {
        return devicePages + hostPages;
    }
}
