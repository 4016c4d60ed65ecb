package dev.kvtier.live.store;

/**
 * The reference's HiCache hugepage sizing check ({@code check_hicache_hugepage_requirements.py}): whether the
 * reserved HugeTLB memory holds each TP rank's HiCache host pool plus its store segment, and optionally the mmap
 * arena too. Exit codes follow the script: 0 fits or planning only, 1 baseline fits but the arena may fall back
 * to regular pages, 2 insufficient, 64 bad arguments.
 */
public record HugepageSizing(int tpSize, long hicacheSize, long globalSegmentSize, long arenaPoolSize,
    Long availableHugetlb)
{
    /** The verdict with its figures. */
    public record Verdict(String status, int exitCode, long baselinePerRank, long baselineTotal,
        long cleanArenaPerRank, long cleanArenaTotal, Long available)
    {
    }

    public Verdict check()
    {
        final long baselinePerRank = hicacheSize + globalSegmentSize;
        final long baselineTotal = baselinePerRank * tpSize;
        final long arenaPerRank = baselinePerRank + arenaPoolSize;
        final long arenaTotal = arenaPerRank * tpSize;
        final String status;
        final int code;
        if (availableHugetlb == null)
        {
            status = "planning_only";
            code = 0;
        }
        else if (availableHugetlb < baselineTotal)
        {
            status = "insufficient_for_baseline";
            code = 2;
        }
        else if (availableHugetlb < arenaTotal)
        {
            status = "baseline_fits_arena_may_fallback";
            code = 1;
        }
        else
        {
            status = "clean_arena_budget_available";
            code = 0;
        }
        return new Verdict(status, code, baselinePerRank, baselineTotal, arenaPerRank, arenaTotal, availableHugetlb);
    }
}
