package dev.kvtier.sim.hicache;

/**
 * What a clock-free HiCache replay counted. Hits are the tier each page of a request's cached prefix came from,
 * judged before the request touches anything: L1, then L2 (host, loaded back), then L3 (read from the store into
 * host, then loaded back).
 *
 * @param pages               page references (one trace block is one page)
 * @param tokens              prompt tokens
 * @param l1Pages             pages hit on the device
 * @param l2Pages             pages hit on the host
 * @param l3Pages             pages read from the store
 * @param l1Tokens            tokens of the L1 pages (a partial last block counts its real tokens)
 * @param l2Tokens            tokens of the L2 pages
 * @param l3Tokens            tokens of the L3 pages
 * @param l1Evictions         device evictions
 * @param l2Evictions         host evictions (host-only pages deleted and duplicates dropped)
 * @param l3Evictions         store evictions
 * @param demotions           device evictions that kept the page on host by writing it there
 * @param failedL2Allocations host allocations refused (writes, store reads, demotions)
 * @param residentL1          device pages at the end
 * @param residentL2          host pages at the end
 * @param residentBoth        pages on both at the end
 * @param l3Puts              pages written to the store
 * @param l3Gets              pages read from the store
 */
public record HiCacheCounts(long pages, long tokens, long l1Pages, long l2Pages, long l3Pages, long l1Tokens,
    long l2Tokens, long l3Tokens, long l1Evictions, long l2Evictions, long l3Evictions, long demotions,
    long failedL2Allocations, long residentL1, long residentL2, long residentBoth, long l3Puts, long l3Gets)
{
    /** Pages cached on one tier or both at the end. */
    public long residentUnique()
    {
        return residentL1 + residentL2 - residentBoth;
    }

    /** Share of the host pages that duplicate a device page, at the end. */
    public double duplicateRatio()
    {
        return residentL2 == 0 ? 0 : (double)residentBoth / residentL2;
    }

    public double l1Ratio()
    {
        return ratio(l1Pages, pages);
    }

    public double l1L2Ratio()
    {
        return ratio(l1Pages + l2Pages, pages);
    }

    public double l3Ratio()
    {
        return ratio(l3Pages, pages);
    }

    public double totalRatio()
    {
        return ratio(l1Pages + l2Pages + l3Pages, pages);
    }

    public double l1TokenRatio()
    {
        return ratio(l1Tokens, tokens);
    }

    public double l1L2TokenRatio()
    {
        return ratio(l1Tokens + l2Tokens, tokens);
    }

    public double l3TokenRatio()
    {
        return ratio(l3Tokens, tokens);
    }

    public double totalTokenRatio()
    {
        return ratio(l1Tokens + l2Tokens + l3Tokens, tokens);
    }

    private static double ratio(final long part, final long whole)
    {
        return whole == 0 ? 0 : (double)part / whole;
    }
}
