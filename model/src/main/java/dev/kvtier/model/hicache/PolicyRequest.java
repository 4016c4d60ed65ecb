package dev.kvtier.model.hicache;

/**
 * One request of the timing-free policy mode against one radix cache, in the order of SGLang's policy simulator:
 * match; the stored pages after the matched prefix read from L3 into host if L2 can make room without dropping the
 * matched host pages (locked meanwhile); the whole chain inserted on the device (loaded back or computed), the
 * device allowed over its capacity until the end; the pages the write policy wants on host written there (under
 * {@code boundary_l1_l2} with the chain locked, as only its L2 may drop host copies of device pages) and backed up
 * to L3; the device trimmed to its capacity. The replay and the tests that compare cache forms run the same steps
 * through this one type. Holds its scratch arrays, so one instance serves a whole replay.
 */
public final class PolicyRequest
{
    private final MatchResult match = new MatchResult();
    private int[] written = new int[64];
    private int devicePages;
    private int cachedPages;
    private int storedPages;
    private boolean failedRead;

    /**
     * Runs the request of chain {@code pages[0, n)} on {@code cache} with {@code store} as L3 (null: none);
     * {@code guardChain} locks the chain while its host copies are written (boundary_l1_l2).
     */
    public void run(final HiRadixCache cache, final int[] pages, final int n, final StorePages store,
        final boolean guardChain)
    {
        if (written.length < n)
        {
            written = new int[Math.max(n, written.length * 2)];
        }
        cache.peek(pages, n, match);
        devicePages = match.devicePages();
        cachedPages = match.matchedPages();
        storedPages = store == null ? 0 : store.storedPrefix(pages, cachedPages, n);
        failedRead = false;
        if (storedPages > 0)
        {
            cache.lock(pages, 0, cachedPages);
            final boolean room = cache.reserveHost(storedPages);
            cache.unlock(pages, 0, cachedPages);
            if (room)
            {
                store.read(pages, cachedPages, cachedPages + storedPages);
                cache.insertHostOnly(pages, cachedPages, cachedPages + storedPages);
            }
            else
            {
                failedRead = true;
                storedPages = 0;
            }
        }
        cache.overdrawDevice(n - devicePages);
        final int wants = cache.insert(pages, n, written);
        if (guardChain)
        {
            cache.lock(pages, 0, n);
        }
        final int copied = cache.writeHost(written, wants);
        if (guardChain)
        {
            cache.unlock(pages, 0, n);
        }
        if (store != null)
        {
            for (int i = 0; i < copied; i++)
            {
                store.put(written[i]);
            }
        }
        cache.trimDevice();
    }

    /** The request's L1 hit: its prefix on the device when it arrived. */
    public int devicePages()
    {
        return devicePages;
    }

    /** The prefix the tree held when the request arrived (L1 and L2 hits). */
    public int cachedPages()
    {
        return cachedPages;
    }

    /** The pages read from L3 after that prefix (0 when L2 could not take them). */
    public int storedPages()
    {
        return storedPages;
    }

    /** Whether L3 held pages that L2 could not make room for. */
    public boolean failedRead()
    {
        return failedRead;
    }
}
