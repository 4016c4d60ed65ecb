package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --radix-eviction-policy} reaches a live worker's radix cache: prompts A and B fill 80% of the device tier,
 * A comes back (a hit), then C forces an eviction. LRU gives up B (A was renewed by its hit); FIFO gives up A (it
 * entered first), so B comes back whole. The worker has no host tier or store, so what is evicted is gone.
 */
class RadixEvictionPolicyLiveTest
{
    private static final int PAGE = 4;

    /** B's cached tokens when it comes back after A, B, A, C under {@code policy}. */
    private static int cachedTokensOfB(final RadixEvictionPolicy policy, final int[] pagesPerPrompt) throws Exception
    {
        try (LiveServing live = new LiveServing(new LiveServing.Launch().deviceOnly().eviction(policy)))
        {
            final JsonNode info = new ObjectMapper().readTree(live.get("/get_server_info").body());
            assertThat(info.get("radix_eviction_policy").asText()).isEqualTo(policy.label());
            final int pages = (int)(info.get("device_pages").asLong() * 2 / 5);
            pagesPerPrompt[0] = pages;
            final int[] a = LiveServing.tokens(11, pages * PAGE + 1);
            final int[] b = LiveServing.tokens(12, pages * PAGE + 1);
            final int[] c = LiveServing.tokens(13, pages * PAGE + 1);
            live.generate(a, 2);
            live.generate(b, 2);
            assertThat(cached(live.generate(a, 2))).as("A is a hit").isEqualTo(pages * PAGE);
            assertThat(cached(live.generate(c, 2))).isZero();
            assertThat(live.metric("kvtier_device_evictions_total")).as("C evicted pages").isPositive();
            return cached(live.generate(b, 2));
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
        assertThat(cachedTokensOfB(RadixEvictionPolicy.FIFO, pages)).as("FIFO keeps B whole")
            .isEqualTo(pages[0] * PAGE);
        assertThat(cachedTokensOfB(RadixEvictionPolicy.LRU, pages)).as("LRU evicted B's tail")
            .isLessThan(pages[0] * PAGE);
    }
}
