package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.hicache.KvPagePattern;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.hicache.TokenPageChains;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page the worker loads from L3 is checked byte for byte: a stored page replaced by its own bytes with one byte
 * flipped (under its key, the SGLang page hash the worker computes from the tokens) is counted as a KV mismatch on
 * {@code /metrics}, and the storage hit ends where that page starts, as a failed read would end it. The prefetch
 * policy is wait_complete, so the outcome is decided by the bytes read, never by the timeout policy's wall-clock
 * deadline on a loaded machine.
 */
class KvCorruptionTest
{
    private static final int PAGE = 4;
    private static final int PROMPT = 301;
    private static final int CORRUPT = 40;

    @Test
    void aCorruptedStoredPageIsCountedAndEndsTheStorageHit() throws Exception
    {
        try (LiveServing live = new LiveServing(new LiveServing.Launch().policy(PrefetchPolicy.WAIT_COMPLETE)))
        {
            final int[] prompt = LiveServing.tokens(3, PROMPT);
            live.generate(prompt, 4);
            live.flush();
            assertThat(live.metric("sglang:backuped_tokens_total"))
                .as("the full pages of the prompt and of the answer but its last token are in L3")
                .isEqualTo((PROMPT + 4 - 1) / PAGE * PAGE);

            final PageChain chain = new TokenPageChains(PAGE).chain(prompt);
            assertThat(chain.length()).isEqualTo(PROMPT / PAGE);
            final String key = chain.key(CORRUPT);
            final long pageBytes = live.server().plan().pageBytes();
            final ByteBuffer page = ByteBuffer.allocate((int)pageBytes);
            new KvPagePattern(pageBytes, ModelSpec.preset(LiveServing.MODEL).layers(), 1).fill(page, 0, key);
            final byte[] bytes = page.array();
            bytes[bytes.length - 3] ^= 0x10;
            try (DistributedStore store = DistributedStore.setup(StoreConfig.of(live.master().rpcAddress(),
                live.master().metadataUrl(), 0, 4 * pageBytes)))
            {
                assertThat(store.isExist(key)).isEqualTo(1);
                assertThat(store.remove(key, true)).isZero();
                assertThat(store.put(key, bytes)).isZero();
                assertThat(store.get(key)).isEqualTo(bytes);
            }

            final JsonNode meta = live.generate(prompt, 4).get("meta_info");
            assertThat(meta.get("cached_tokens_details").get("storage").asInt())
                .as("the pages before the corrupted one").isEqualTo(CORRUPT * PAGE);
            assertThat(meta.get("prefetch").asText()).isEqualTo("partial");
            final String metrics = live.metrics();
            assertThat(LiveServing.metric(metrics, "kvtier_kv_mismatches_total")).isEqualTo(1);
            assertThat(LiveServing.metric(metrics, "sglang:prefetched_tokens_total")).isEqualTo(CORRUPT * PAGE);
        }
    }
}
