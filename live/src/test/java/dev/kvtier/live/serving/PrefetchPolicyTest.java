package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvtier.model.hicache.PrefetchPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three prefetch policies against a slow store ({@code --storage-latency-ms 2000} on the worker's L3
 * transfers) with a 50 ms prefetch timeout: a prompt is written to L3, L1 and L2 are flushed, and the same prompt
 * comes back. {@code timeout} gives up on the prefetch and serves the request (counted timed_out), {@code
 * wait_complete} holds the request until every page has arrived (the whole prefix from storage), {@code best_effort}
 * never holds it (no storage hit, counted partial). The assertions are on the worker's counters and meta_info; the
 * 40× margin between the store's latency and the timeout keeps timing out of the outcome.
 */
class PrefetchPolicyTest
{
    private static final int PAGE = 4;
    private static final int PROMPT = 301;
    private static final String FAST_TIMEOUT =
        "{\"prefetch_timeout_base\": 0.05, \"prefetch_timeout_per_ki_token\": 0}";

    /** Runs the prompt, flushes, runs it again; returns the second answer's meta_info. */
    private static JsonNode afterFlush(final LiveServing live) throws Exception
    {
        final int[] prompt = LiveServing.tokens(5, PROMPT);
        final JsonNode first = live.generate(prompt, 2).get("meta_info");
        // nothing in L3 yet: the prefetch is revoked or cut short, or, when the existence query takes longer than
        // the 50 ms timeout (a loaded machine), timed out; whichever, no page came from storage
        assertThat(first.get("prefetch").asText()).as("the first prefetch finds nothing")
            .isIn("revoked", "partial", "timed_out");
        assertThat(first.get("cached_tokens_details").get("storage").asInt()).as("no storage hit yet").isZero();
        // kvtier_backup_pages_pending says when the written-through pages are in the store: no flush needed for it
        live.awaitBackups();
        assertThat(live.metric("sglang:backuped_tokens_total")).isEqualTo(PROMPT / PAGE * PAGE);
        live.flush();
        assertThat(live.metric("kvtier_backup_pages_pending")).isZero();
        return live.generate(prompt, 2).get("meta_info");
    }

    private static LiveServing.Launch slow(final PrefetchPolicy policy)
    {
        return new LiveServing.Launch().policy(policy).latencyMs(2000).extra(FAST_TIMEOUT);
    }

    @Test
    void timeoutGivesUpOnASlowPrefetchAndServesTheRequest() throws Exception
    {
        try (LiveServing live = new LiveServing(slow(PrefetchPolicy.TIMEOUT)))
        {
            final JsonNode meta = afterFlush(live);
            assertThat(meta.get("prefetch").asText()).isEqualTo("timed_out");
            assertThat(meta.get("cached_tokens_details").get("storage").asInt()).isZero();
            assertThat(meta.get("completion_tokens").asInt()).isEqualTo(2);
            final String metrics = live.metrics();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"timed_out\"}"))
                .isGreaterThanOrEqualTo(1);
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"completed\"}")).isZero();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_wait_skips_total")).as("it did wait a while")
                .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void waitCompleteHoldsTheRequestUntilEveryPageArrived() throws Exception
    {
        try (LiveServing live = new LiveServing(slow(PrefetchPolicy.WAIT_COMPLETE)))
        {
            final JsonNode meta = afterFlush(live);
            assertThat(meta.get("prefetch").asText()).isEqualTo("completed");
            assertThat(meta.get("cached_tokens_details").get("storage").asInt()).isEqualTo(PROMPT / PAGE * PAGE);
            final String metrics = live.metrics();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"completed\"}")).isEqualTo(1);
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"timed_out\"}")).isZero();
            assertThat(LiveServing.metric(metrics, "kvtier_kv_mismatches_total")).isZero();
        }
    }

    @Test
    void bestEffortNeverHoldsTheRequest() throws Exception
    {
        try (LiveServing live = new LiveServing(slow(PrefetchPolicy.BEST_EFFORT)))
        {
            final JsonNode meta = afterFlush(live);
            assertThat(meta.get("prefetch").asText()).isIn("partial", "revoked");
            assertThat(meta.get("cached_tokens_details").get("storage").asInt())
                .isLessThan(PROMPT / PAGE * PAGE);
            final String metrics = live.metrics();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"completed\"}")).isZero();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_total{outcome=\"timed_out\"}")).isZero();
            assertThat(LiveServing.metric(metrics, "kvtier_prefetch_wait_skips_total"))
                .as("no scheduler pass skipped a request for its prefetch").isZero();
        }
    }
}
