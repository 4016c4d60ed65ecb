package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvtier.model.hicache.PrefetchPolicy;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-turn acceptance on one live worker with the kvtier store as L3: each round resends the whole
 * conversation (the previous prompt, the answer, a new turn); after {@code /flush_cache} drops L1 and L2, the next
 * round finds at least 90% of the previous prompt's full pages in the store, every page it loads is checked byte
 * for byte against its key's pattern, and none mismatches. The prefetch policy is wait_complete: under the timeout
 * policy a loaded machine could end a prefetch at its 1 s wall-clock deadline and the outcome would say how busy the
 * machine was, not whether the pages came back.
 */
class L3RoundTripTest
{
    private static final int PAGE = 4;
    /** Above the default prefetch threshold of 256 tokens, so the whole flushed prefix is prefetched. */
    private static final int FIRST_PROMPT = 301;
    private static final int TURN = 23;
    private static final int OUTPUT = 16;
    private static final int ROUNDS = 3;

    @Test
    void afterAFlushEachRoundLoadsThePreviousPrefixFromTheStoreWithNoMismatch() throws Exception
    {
        try (LiveServing live = new LiveServing(new LiveServing.Launch().policy(PrefetchPolicy.WAIT_COMPLETE)))
        {
            int[] prompt = LiveServing.tokens(1, FIRST_PROMPT);
            int previousFullPages = 0;
            long storageTokens = 0;
            for (int round = 0; round <= ROUNDS; round++)
            {
                final JsonNode answer = live.generate(prompt, OUTPUT);
                final JsonNode meta = answer.get("meta_info");
                final JsonNode tiers = meta.get("cached_tokens_details");
                if (round == 0)
                {
                    assertThat(meta.get("cached_tokens").asInt()).isZero();
                }
                else
                {
                    assertThat(tiers.get("storage").asInt()).as("round %d after a flush", round)
                        .isGreaterThanOrEqualTo((int)Math.ceil(0.9 * previousFullPages * PAGE));
                    assertThat(tiers.get("device").asInt()).as("L1 was flushed").isZero();
                    assertThat(meta.get("prefetch").asText()).isEqualTo("completed");
                    storageTokens += tiers.get("storage").asInt();
                }
                live.flush();
                previousFullPages = prompt.length / PAGE;
                final int[] output = LiveServing.ids(answer.get("output_ids"));
                final int[] next = Arrays.copyOf(prompt, prompt.length + output.length + TURN);
                System.arraycopy(output, 0, next, prompt.length, output.length);
                System.arraycopy(LiveServing.tokens(100 + round, TURN), 0, next, prompt.length + output.length, TURN);
                prompt = next;
            }
            final String metrics = live.metrics();
            assertThat(LiveServing.metric(metrics, "kvtier_kv_mismatches_total")).isZero();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"completed\"}")).isEqualTo(ROUNDS);
            assertThat(LiveServing.metric(metrics, "sglang:cached_tokens_total{tier=\"storage\"}"))
                .isEqualTo(storageTokens);
            assertThat(LiveServing.metric(metrics, "sglang:prefetched_tokens_total")).isEqualTo(storageTokens);
            assertThat(LiveServing.metric(metrics, "kvtier_node_errors_total{node=\"worker\"}")).isZero();
        }
    }
}
