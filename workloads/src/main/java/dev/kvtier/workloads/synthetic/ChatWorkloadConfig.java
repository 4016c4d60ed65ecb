package dev.kvtier.workloads.synthetic;

/**
 * Shape of the built-in multi-turn chat workload. The defaults give a few thousand requests over 15 minutes whose
 * prefix reuse comes from the same three sources as in the published conversation trace: a handful of popular
 * system prompts, multi-turn sessions that resend their whole history, and one-off long documents that are never
 * reused.
 *
 * @param seed                  seed of the only random stream the generator uses
 * @param durationSeconds       sessions start during this window (Poisson)
 * @param sessionsPerSecond     mean session start rate
 * @param meanTurns             mean turns per session (geometric, at least 1)
 * @param systemPrompts         number of distinct system prompts, chosen with Zipf popularity
 * @param zipfExponent          Zipf exponent of system prompt popularity
 * @param minSystemTokens       shortest system prompt
 * @param maxSystemTokens       longest system prompt
 * @param meanUserTokens        mean tokens of a new user message (exponential, at least 16)
 * @param meanOutputTokens      mean generated tokens per turn (exponential, at least 1)
 * @param meanThinkSeconds      mean pause between an answer and the next user message
 * @param documentFraction      share of sessions whose first message carries a long document
 * @param meanDocumentTokens    mean document length
 * @param maxInputTokens        a session ends once its context would exceed this
 */
public record ChatWorkloadConfig(
    long seed,
    double durationSeconds,
    double sessionsPerSecond,
    double meanTurns,
    int systemPrompts,
    double zipfExponent,
    int minSystemTokens,
    int maxSystemTokens,
    double meanUserTokens,
    double meanOutputTokens,
    double meanThinkSeconds,
    double documentFraction,
    double meanDocumentTokens,
    int maxInputTokens)
{
    /** The embedded default workload of {@code kvtier sim}. */
    public static ChatWorkloadConfig defaults()
    {
        return new ChatWorkloadConfig(42, 900, 1.0, 4, 16, 1.0, 1024, 8192, 600, 300, 45, 0.3, 8000, 131072);
    }

    public ChatWorkloadConfig withSeed(final long newSeed)
    {
        return new ChatWorkloadConfig(newSeed, durationSeconds, sessionsPerSecond, meanTurns, systemPrompts,
            zipfExponent, minSystemTokens, maxSystemTokens, meanUserTokens, meanOutputTokens, meanThinkSeconds,
            documentFraction, meanDocumentTokens, maxInputTokens);
    }

    public ChatWorkloadConfig withDuration(final double seconds)
    {
        return new ChatWorkloadConfig(seed, seconds, sessionsPerSecond, meanTurns, systemPrompts,
            zipfExponent, minSystemTokens, maxSystemTokens, meanUserTokens, meanOutputTokens, meanThinkSeconds,
            documentFraction, meanDocumentTokens, maxInputTokens);
    }

    /**
     * The most sessions a workload may expect (duration × rate): the generator holds its requests in memory, about
     * 4.4 per session at the defaults, so a million sessions are some 4 million requests and a gigabyte of heap.
     */
    public static final double MAX_EXPECTED_SESSIONS = 1_000_000;

    /** Rejects values that cannot describe a workload, naming the field. */
    public ChatWorkloadConfig validate()
    {
        require(durationSeconds > 0 && durationSeconds < Double.POSITIVE_INFINITY, "duration_seconds",
            "must be a number of seconds > 0, got " + durationSeconds);
        require(sessionsPerSecond > 0 && sessionsPerSecond < Double.POSITIVE_INFINITY, "sessions_per_second",
            "must be a number > 0, got " + sessionsPerSecond);
        require(durationSeconds * sessionsPerSecond <= MAX_EXPECTED_SESSIONS, "duration_seconds",
            String.format(java.util.Locale.ROOT, "times sessions_per_second is %.4g expected sessions; at most "
                + "%,.0f (the requests are generated in memory): give a shorter duration or a lower rate",
                durationSeconds * sessionsPerSecond, MAX_EXPECTED_SESSIONS));
        require(meanTurns >= 1, "mean_turns", "must be >= 1");
        require(systemPrompts >= 1, "system_prompts", "must be >= 1");
        require(zipfExponent >= 0, "zipf_exponent", "must be >= 0");
        require(minSystemTokens >= 1 && maxSystemTokens >= minSystemTokens, "system_tokens",
            "need 1 <= min <= max");
        require(meanUserTokens >= 1 && meanOutputTokens >= 1, "mean_user_tokens/mean_output_tokens", "must be >= 1");
        require(meanThinkSeconds >= 0, "mean_think_seconds", "must be >= 0");
        require(documentFraction >= 0 && documentFraction <= 1, "document_fraction", "must be in [0, 1]");
        require(maxInputTokens > maxSystemTokens, "max_input_tokens", "must exceed max system tokens");
        return this;
    }

    private static void require(final boolean ok, final String field, final String rule)
    {
        if (!ok)
        {
            throw new IllegalArgumentException("workload field '" + field + "' " + rule);
        }
    }
}
