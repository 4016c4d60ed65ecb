package dev.kvtier.workloads.multiturn;

import java.util.SplittableRandom;

/**
 * The new tokens of every turn of a {@code bench_multiturn} workload as a pure function of (seed, client, round):
 * a conversation's prompts do not depend on which other turns ran before it, in which order, or how fast, so a
 * live run and a simulated one ask the same questions. The reference samples random token ids; these are uniform
 * over Llama-3's ordinary tokens.
 */
public final class MultiTurnWorkload
{
    /** Llama-3's special tokens start here; prompts stay below, as text tokenised by a real tokenizer would. */
    public static final int ORDINARY_TOKENS = 128_000;

    private final MultiTurnConfig config;

    public MultiTurnWorkload(final MultiTurnConfig config)
    {
        this.config = config;
    }

    public MultiTurnConfig config()
    {
        return config;
    }

    /** A fresh conversation for {@code client}, at its first round. */
    public Conversation conversation(final int client)
    {
        return new Conversation(this, client);
    }

    /**
     * The {@code requestLength} new tokens of {@code client}'s turn {@code round} (0-based): the first prompt at
     * round 0, then the sub-question appended to the history.
     */
    public int[] question(final int client, final int round)
    {
        if (client < 0 || client >= config.clients() || round < 0 || round >= config.rounds())
        {
            throw new IllegalArgumentException("no turn (client " + client + ", round " + round + ") in "
                + config.clients() + " clients x " + config.rounds() + " rounds");
        }
        final SplittableRandom random = new SplittableRandom(mix(config.seed(), client, round));
        final int[] tokens = new int[config.requestLength()];
        for (int i = 0; i < tokens.length; i++)
        {
            tokens[i] = random.nextInt(ORDINARY_TOKENS);
        }
        return tokens;
    }

    private static long mix(final long seed, final int client, final int round)
    {
        long z = seed * 0x9E3779B97F4A7C15L + ((long)client << 32 | round & 0xFFFF_FFFFL);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
