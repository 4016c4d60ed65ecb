package dev.kvtier.sim.hicache;

/** One variant and what its replay counted. */
public record HiCacheResult(HiCacheScenario scenario, HiCacheCounts counts)
{
}
