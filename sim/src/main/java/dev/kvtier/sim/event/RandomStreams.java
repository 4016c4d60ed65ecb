package dev.kvtier.sim.event;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded random streams, one per named component. A stream depends only on the run's seed and the component's
 * name, never on the order components were created or on how much another component drew, so adding a node or a
 * policy does not shift anyone else's randomness.
 */
public final class RandomStreams
{
    private final long seed;

    public RandomStreams(final long seed)
    {
        this.seed = seed;
    }

    public long seed()
    {
        return seed;
    }

    /** The stream of component {@code name}; the same name always gives the same sequence. */
    public SplittableRandom stream(final String name)
    {
        long h = 0xcbf29ce484222325L;
        for (final byte b : name.getBytes(StandardCharsets.UTF_8))
        {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return new SplittableRandom(mix(seed ^ mix(h)));
    }

    private static long mix(final long x)
    {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
