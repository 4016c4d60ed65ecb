package dev.kvtier.live.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The counts of a {@code /generate} response's {@code meta_info} that the benchmark reports. Missing fields read as
 * 0, so a worker without {@code cached_tokens_details} (older SGLang) still reports its total cached tokens.
 */
record MetaInfo(int promptTokens, int completionTokens, int cachedTokens, int device, int host, int storage,
    long kvMismatches, String prefetch)
{
    static MetaInfo of(final JsonNode meta)
    {
        final JsonNode details = meta.path("cached_tokens_details");
        return new MetaInfo(meta.path("prompt_tokens").asInt(0), meta.path("completion_tokens").asInt(0),
            meta.path("cached_tokens").asInt(0), details.path("device").asInt(0), details.path("host").asInt(0),
            details.path("storage").asInt(0), meta.path("kv_mismatches").asLong(0),
            meta.path("prefetch").asText("none"));
    }

    GenerateOutcome outcome(final long ttftNs, final long e2eNs, final long[] itlNs, final int[] outputIds)
    {
        return new GenerateOutcome(ttftNs, e2eNs, itlNs, promptTokens, completionTokens, cachedTokens, device, host,
            storage, kvMismatches, outputIds, prefetch, null);
    }
}
