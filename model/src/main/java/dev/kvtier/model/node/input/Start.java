package dev.kvtier.model.node.input;

import dev.kvtier.model.node.NodeId;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The node's start, first in every stream: its address and the seed of its random stream, which is all a
 * replayer needs to give a fresh instance the same {@code self()} and {@code random()}.
 *
 * @param timeNs when it started
 * @param self   the node's address
 * @param seed   the seed its random stream was made from
 */
public record Start(long timeNs, NodeId self, long seed) implements NodeInput
{
    /** The node's random stream from the seed, made as the live runtime made it. */
    public RandomGenerator random()
    {
        return random(seed);
    }

    /** A node's random stream from its seed: the one way both the live runtime and a replayer make it. */
    public static RandomGenerator random(final long seed)
    {
        return new SplittableRandom(seed);
    }
}
