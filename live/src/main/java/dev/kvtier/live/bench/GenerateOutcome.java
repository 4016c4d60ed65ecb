package dev.kvtier.live.bench;

/**
 * What one {@code /generate} call came back with: its timing as the client saw it and the counts the worker put in
 * {@code meta_info}, or why it failed. Times are nanoseconds from the moment the request was handed to the HTTP
 * client; a failed call keeps the time it failed at as {@code e2eNs} and zeros elsewhere.
 *
 * @param ttftNs           until the first chunk carrying output (the whole response when not streamed); -1 if none
 * @param e2eNs            until {@code data: [DONE]} or the end of the body
 * @param itlNs            gaps between consecutive chunks carrying output, after the first
 * @param promptTokens     {@code meta_info.prompt_tokens}
 * @param completionTokens {@code meta_info.completion_tokens}
 * @param cachedTokens     {@code meta_info.cached_tokens}
 * @param cachedDevice     {@code meta_info.cached_tokens_details.device}
 * @param cachedHost       {@code meta_info.cached_tokens_details.host}
 * @param cachedStorage    {@code meta_info.cached_tokens_details.storage}
 * @param kvMismatches     {@code meta_info.kv_mismatches} when the worker reports it per request, else 0
 * @param outputIds        the answer's token ids (the last chunk's, which are cumulative)
 * @param prefetch         {@code meta_info.prefetch}: how the request's L3 prefetch ended ({@code none} when the
 *                         worker does not say)
 * @param error            null on success, else a one-line reason
 */
public record GenerateOutcome(long ttftNs, long e2eNs, long[] itlNs, int promptTokens, int completionTokens,
    int cachedTokens, int cachedDevice, int cachedHost, int cachedStorage, long kvMismatches, int[] outputIds,
    String prefetch, String error)
{
    private static final long[] NO_GAPS = {};
    private static final int[] NO_TOKENS = {};

    /** A call that failed after {@code e2eNs} for {@code error}. */
    public static GenerateOutcome failed(final long e2eNs, final String error)
    {
        return new GenerateOutcome(-1, e2eNs, NO_GAPS, 0, 0, 0, 0, 0, 0, 0, NO_TOKENS, "none", error);
    }

    public boolean ok()
    {
        return error == null;
    }
}
