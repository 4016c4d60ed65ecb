package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvtier.model.hicache.TokenPageChains;
import dev.kvtier.workloads.recorded.RecordedTrace;
import dev.kvtier.workloads.recorded.TraceArrival;
import dev.kvtier.workloads.recorded.TraceHeader;
import dev.kvtier.workloads.recorded.TraceOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvtier server --trace-dir}: a live worker records, in the simulator's recorded-trace format, its settings
 * in the header and every request's arrival (sizes and page keys, as the worker hashed them) and outcome (cached
 * tokens by tier and prefetch outcome, as the API answered them).
 */
class ServerRecordingTest
{
    @Test
    void everyRequestIsRecordedWithItsPageKeysAndTheOutcomeTheApiReported(@TempDir final Path dir) throws Exception
    {
        final Path traceDir = dir.resolve("trace");
        final List<JsonNode> answers = new ArrayList<>();
        final List<int[]> prompts = new ArrayList<>();
        final int page;
        try (LiveServing live = new LiveServing(new LiveServing.Launch()))
        {
            page = live.server().settings().pageSize();
            live.server().recordTo(traceDir, "test");
            final int[] prompt = LiveServing.tokens(3, 301);
            for (int i = 0; i < 3; i++)
            {
                prompts.add(prompt);
                answers.add(live.generate(prompt, 5));
                if (i == 0)
                {
                    live.flush();
                }
            }
        }
        try (RecordedTrace trace = RecordedTrace.open(traceDir))
        {
            final TraceHeader header = trace.header();
            assertThat(header.origin()).isEqualTo(TraceHeader.ORIGIN_LIVE);
            assertThat(header.configJson()).contains("\"page_size\":" + page);
            assertThat(header.configJson()).as("a replay reads the prefetch thresholds from the header")
                .contains("\"prefetch_threshold\":256", "\"prefetch_timeout_base\":1.0");
            final List<TraceArrival> arrivals = trace.arrivals();
            final List<TraceOutcome> outcomes = trace.outcomes();
            assertThat(arrivals).hasSize(3);
            assertThat(outcomes).hasSize(3);
            final String[] keys = chainKeys(prompts.get(0), page);
            for (int i = 0; i < 3; i++)
            {
                final TraceArrival a = arrivals.get(i);
                assertThat(a.promptTokens()).isEqualTo(301);
                assertThat(a.outputTokens()).isEqualTo(5);
                assertThat(a.chainTokens()).isEqualTo(page);
                assertThat(a.pageKeys()).containsExactly(keys);
                final TraceOutcome o = outcomes.get(i);
                assertThat(o.requestId()).isEqualTo(a.requestId());
                final JsonNode tiers = answers.get(i).path("meta_info").path("cached_tokens_details");
                assertThat(o.deviceTokens()).isEqualTo(tiers.path("device").asInt());
                assertThat(o.hostTokens()).isEqualTo(tiers.path("host").asInt());
                assertThat(o.storageTokens()).isEqualTo(tiers.path("storage").asInt());
                assertThat(o.prefetch()).isEqualTo(answers.get(i).path("meta_info").path("prefetch").asText());
                assertThat(o.e2eNs()).isPositive();
            }
            assertThat(outcomes.get(1).storageTokens()).as("after the flush the prefix came from the store")
                .isPositive();
        }
    }

    private static String[] chainKeys(final int[] prompt, final int page)
    {
        final var chain = new TokenPageChains(page).chain(prompt);
        final String[] keys = new String[chain.length()];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = chain.key(i);
        }
        return keys;
    }
}
