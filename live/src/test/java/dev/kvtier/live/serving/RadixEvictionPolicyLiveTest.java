package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --radix-eviction-policy} reaches a live worker's radix cache. Prompts of 40% of the device tier each are
 * sent in an order that fills it, then one more forces an eviction, and the prompt that comes back last shows
 * what was given up: after A, B, A, C, LRU gives up B (A was renewed by its hit) and FIFO gives up A (it entered
 * first); after A, A, B, C, LFU gives up B (one hit against A's two) where LRU gives up A (least recent). The worker
 * has no host tier or store, so what is evicted is gone.
 */
class RadixEvictionPolicyLiveTest
{
    private static final int PAGE = 4;

    /**
     * Sends prompts {@code order} (seeds of their tokens; the last one forces an eviction), then prompt
     * {@code back}; returns its cached tokens and writes the pages one prompt holds into {@code pagesPerPrompt}.
     */
    private static int cachedTokensComingBack(final RadixEvictionPolicy policy, final int[] order, final int back,
        final int[] pagesPerPrompt) throws Exception
    {
        try (LiveServing live = new LiveServing(new LiveServing.Launch().deviceOnly().eviction(policy)))
        {
            final JsonNode info = new ObjectMapper().readTree(live.get("/get_server_info").body());
            assertThat(info.get("radix_eviction_policy").asText()).isEqualTo(policy.label());
            final int pages = (int)(info.get("device_pages").asLong() * 2 / 5);
            pagesPerPrompt[0] = pages;
            for (final int seed : order)
            {
                live.generate(LiveServing.tokens(seed, pages * PAGE + 1), 2);
            }
            assertThat(live.metric("kvtier_device_evictions_total")).as("the last prompt evicted pages")
                .isPositive();
            return cached(live.generate(LiveServing.tokens(back, pages * PAGE + 1), 2));
        }
    }

    private static int cached(final JsonNode answer)
    {
        return answer.get("meta_info").get("cached_tokens").asInt();
    }

    @Test
    void lruGivesUpTheLeastRecentlyUsedPromptAndFifoTheFirstOne() throws Exception
    {
        final int[] pages = new int[1];
        final int[] abac = {11, 12, 11, 13};
        assertThat(cachedTokensComingBack(RadixEvictionPolicy.FIFO, abac, 12, pages)).as("FIFO keeps B whole")
            .isEqualTo(pages[0] * PAGE);
        assertThat(cachedTokensComingBack(RadixEvictionPolicy.LRU, abac, 12, pages)).as("LRU evicted B's tail")
            .isLessThan(pages[0] * PAGE);
    }

    @Test
    void lfuGivesUpThePromptWithFewerHitsWhereLruGivesUpTheOlderOne() throws Exception
    {
        final int[] pages = new int[1];
        final int[] aabc = {11, 11, 12, 13};
        assertThat(cachedTokensComingBack(RadixEvictionPolicy.LFU, aabc, 11, pages)).as("LFU keeps A whole")
            .isEqualTo(pages[0] * PAGE);
        assertThat(cachedTokensComingBack(RadixEvictionPolicy.LRU, aabc, 11, pages)).as("LRU evicted A's tail")
            .isLessThan(pages[0] * PAGE);
    }
}
