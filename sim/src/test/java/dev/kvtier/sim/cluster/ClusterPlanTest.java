package dev.kvtier.sim.cluster;

import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.hicache.HiCacheConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClusterPlanTest
{
    @Test
    void shouldDeriveKvBytesPerTokenWithTheHiCacheFormulas()
    {
        assertThat(ModelSpec.preset("llama-3-70b").kvBytesPerToken()).isEqualTo(327_680);
        assertThat(ModelSpec.preset("llama-3-8b").kvBytesPerToken()).isEqualTo(131_072);
        assertThat(ModelSpec.preset("deepseek-v3").kvBytesPerToken()).isEqualTo(61L * (512 + 64) * 2);
        assertThat(ModelSpec.preset("llama-3-70b").totalParams()).isCloseTo(70.6e9, within(1e9));
        assertThat(ModelSpec.preset("deepseek-v3").activeParams()).isCloseTo(37e9, within(3e9));
    }

    @Test
    void shouldReadAHuggingFaceConfig(@TempDir final Path dir) throws Exception
    {
        Files.writeString(dir.resolve("config.json"), """
            {"hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 32,
             "intermediate_size": 14336, "vocab_size": 128256, "torch_dtype": "bfloat16"}""");
        final ModelSpec m = HuggingFaceConfig.read(dir);
        assertThat(m.kvBytesPerToken()).isEqualTo(ModelSpec.preset("llama-3-8b").kvBytesPerToken());
        assertThat(m.totalParams()).isEqualTo(ModelSpec.preset("llama-3-8b").totalParams());
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 4096}");
        assertThatThrownBy(() -> HuggingFaceConfig.read(dir)).hasMessageContaining("num_attention_heads");
    }

    @Test
    void aLatencyOfZeroIsZeroAndMinusOneIsTheProtocolsOwn()
    {
        // one rule for the plan and for calibrate's start: 0 used to read as "unset" there (50 us over TCP)
        assertThat(ClusterPlan.latencyNs(0, "tcp")).isZero();
        assertThat(ClusterPlan.latencyNs(-1, "tcp")).isEqualTo(ClusterPlan.TCP_LATENCY_NS);
        assertThat(ClusterPlan.latencyNs(-1, "rdma")).isEqualTo(ClusterPlan.RDMA_LATENCY_NS);
        assertThat(ClusterPlan.latencyNs(2.5, "rdma")).isEqualTo(2_500);
    }

    @Test
    void shouldSizeTiersFromMemoryAndMirrorTheLinkConstants()
    {
        final ClusterPlan p = ClusterPlan.of(ClusterLoader.load("mooncake-16", Map.of()), null);
        assertThat(p.instances()).isEqualTo(16);
        final double kv = 8 * 80e9 * 0.85 - ModelSpec.preset("llama-3-70b").weightBytes();
        assertThat(p.cache().devicePages()).isEqualTo((int)(kv / 327_680 / 64));
        assertThat(p.cache().hostPages()).isEqualTo(2 * p.cache().devicePages());
        assertThat(p.nicBytesPerNs()).isCloseTo(4 * 200 / 8.0 * 0.87, within(1e-9));
        final ClusterPlan pd = ClusterPlan.of(ClusterLoader.load("mooncake-16-pd", Map.of()), null);
        assertThat(pd.disaggregated()).isTrue();
        assertThat(pd.prefillInstances()).isEqualTo(8);
    }

    @Test
    void explicitTierSizesReplaceTheDerivedOnesAndStayOutOfTheConfigJsonAtZero()
    {
        final ClusterPlan derived = ClusterPlan.of(ClusterLoader.load("small-4", Map.of()), null);
        assertThat(ClusterLoader.toTree(derived.config()).at("/serving").has("device_pages")).isFalse();
        assertThat(ClusterLoader.toTree(derived.config()).at("/serving").has("host_pages")).isFalse();
        final ClusterPlan given = ClusterPlan.of(ClusterLoader.load("small-4",
            Map.of("serving.device_pages", "1000", "serving.host_pages", "3000")), null);
        assertThat(given.cache().devicePages()).isEqualTo(1000);
        assertThat(given.cache().hostPages()).isEqualTo(3000);
        assertThat(ClusterLoader.toTree(given.config()).at("/serving/device_pages").asInt()).isEqualTo(1000);
        // a model that does not fit the GPU is fine when the device tier is given in pages
        final ClusterPlan big = ClusterPlan.of(ClusterLoader.load("small-4",
            Map.of("model", "llama-3-70b", "serving.device_pages", "100")), null);
        assertThat(big.cache().devicePages()).isEqualTo(100);
        assertThatThrownBy(() -> ClusterPlan.of(ClusterLoader.load("small-4", Map.of("serving.host_pages", "-1")),
            null)).hasMessageContaining("serving.host_pages");
    }

    @Test
    void shouldRejectImpossibleClustersNamingTheField()
    {
        assertThatThrownBy(() -> ClusterPlan.of(ClusterLoader.load("small-4", Map.of("serving.page_size", "48")),
            null)).hasMessageContaining("serving.page_size");
        assertThatThrownBy(() -> ClusterPlan.of(ClusterLoader.load("small-4", Map.of("tp", "3")), null))
            .hasMessageContaining("'tp'");
        assertThatThrownBy(() -> ClusterPlan.of(ClusterLoader.load("small-4", Map.of("model", "llama-3-70b")),
            null)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> ClusterPlan.of(ClusterLoader.load("small-4", Map.of("serving.hicache_ratio",
            "50")), null)).hasMessageContaining("host_memory_gb");
        assertThatThrownBy(() -> ClusterPlan.of(ClusterLoader.load("small-4", Map.of("nic.protocol", "ib")),
            null)).hasMessageContaining("nic.protocol");
        assertThatThrownBy(() -> ClusterLoader.load("small-4", Map.of("serving.page_size", "big")))
            .hasMessageContaining("expected a number");
    }

    @Test
    void theDefaultPrefetchSettingsShouldBeTheOnesALiveWorkerStartsWith()
    {
        final ClusterConfig.Serving s = ClusterLoader.load("small-4", Map.of()).serving();
        assertThat(s.prefetchThreshold()).isEqualTo(HiCacheConfig.DEFAULT_PREFETCH_THRESHOLD_TOKENS);
        assertThat(s.prefetchTimeoutBaseS()).isEqualTo(HiCacheConfig.DEFAULT_PREFETCH_TIMEOUT_BASE_S);
        assertThat(s.prefetchTimeoutPerKiTokenS()).isEqualTo(HiCacheConfig.DEFAULT_PREFETCH_TIMEOUT_PER_KI_S);
        assertThat(s.loadBackThreshold()).isEqualTo(HiCacheConfig.DEFAULT_LOAD_BACK_THRESHOLD_TOKENS);
        assertThat(s.prefetchTimeoutMaxS()).as("no cap, as SGLang's baseline").isZero();
    }
}
