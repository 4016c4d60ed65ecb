package dev.kvtier.sim.fault;

import dev.kvtier.model.node.TransferStatus;

import java.util.SplittableRandom;

/**
 * Fails each transfer batch independently with a fixed probability, drawing which failure (dead peer, refused
 * range, deadline) from its own seeded stream, so a sweep over seeds walks every failure branch of the nodes above.
 */
public final class RandomFaultPlan implements FaultPlan
{
    private static final TransferStatus[] FAILURES = {
        TransferStatus.PEER_DEAD, TransferStatus.OUT_OF_RANGE, TransferStatus.DEADLINE};

    private final SplittableRandom random;
    private final double failureProbability;
    private long failures;

    public RandomFaultPlan(final long seed, final double failureProbability)
    {
        if (!(failureProbability >= 0 && failureProbability <= 1))
        {
            throw new IllegalArgumentException("failure probability must be in [0, 1], got " + failureProbability);
        }
        this.random = new SplittableRandom(seed);
        this.failureProbability = failureProbability;
    }

    @Override
    public TransferStatus transferFate(final int from, final int to, final long bytes, final long nowNs)
    {
        if (random.nextDouble() >= failureProbability)
        {
            return TransferStatus.OK;
        }
        failures++;
        return FAILURES[random.nextInt(FAILURES.length)];
    }

    /** Batches this plan has failed so far. */
    public long failures()
    {
        return failures;
    }
}
