package dev.kvtier.workloads.multiturn;

/**
 * The shape of SGLang's {@code bench_multiturn} workload: {@code clients} conversations of {@code rounds} turns,
 * each turn adding {@code requestLength} new prompt tokens and asking for {@code outputLength} answer tokens. Kept
 * apart from the arrival process so the simulator can replay the same conversations at any rate.
 *
 * @param clients       conversations
 * @param rounds        turns per conversation
 * @param requestLength new prompt tokens per turn (the first prompt, then each sub-question)
 * @param outputLength  answer tokens asked for per turn
 * @param seed          seed of every token the workload makes
 */
public record MultiTurnConfig(int clients, int rounds, int requestLength, int outputLength, long seed)
{
    public MultiTurnConfig
    {
        positive("--num-clients", clients);
        positive("--num-rounds", rounds);
        positive("--request-length", requestLength);
        positive("--output-length", outputLength);
    }

    /** Requests the whole workload sends when no turn fails. */
    public long requests()
    {
        return (long)clients * rounds;
    }

    private static void positive(final String name, final int value)
    {
        if (value < 1)
        {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
