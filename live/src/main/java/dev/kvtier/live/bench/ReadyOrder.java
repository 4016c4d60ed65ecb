package dev.kvtier.live.bench;

/**
 * Which ready conversation turn {@code bench_multiturn}'s sender takes next ({@code --ready-queue-policy}): a
 * random one (the reference's default; drawn from the run's seed here) or the one that became ready first.
 */
public enum ReadyOrder
{
    RANDOM,
    FIFO
}
