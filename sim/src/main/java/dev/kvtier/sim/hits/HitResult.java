package dev.kvtier.sim.hits;

/** One scenario and what its replay counted. */
public record HitResult(HitScenario scenario, HitCounts counts)
{
}
