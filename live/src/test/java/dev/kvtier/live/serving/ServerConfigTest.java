package dev.kvtier.live.serving;

import dev.kvtier.live.LiveMaster;
import dev.kvtier.model.store.MasterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a worker's Mooncake backend is resolved, in SGLang's order (the extra config if it names
 * {@code master_server_address}, else the file {@code SGLANG_HICACHE_MOONCAKE_CONFIG_PATH} names, else the
 * {@code MOONCAKE_*} environment; the prefetch keys always from the extra config), and the one-line messages a
 * wrong setting gets.
 */
class ServerConfigTest
{
    private static final Map<String, String> ENV = Map.of("MOONCAKE_MASTER", "10.0.0.3:50051",
        "MOONCAKE_TE_META_DATA_SERVER", "http://10.0.0.3:8080/metadata", "MOONCAKE_GLOBAL_SEGMENT_SIZE", "256mb",
        "MOONCAKE_LOCAL_HOSTNAME", "10.0.0.9");

    @TempDir
    Path dir;

    private Path file(final String json) throws Exception
    {
        final Path f = dir.resolve("mooncake.json");
        Files.writeString(f, json);
        return f;
    }

    private static Map<String, String> with(final Map<String, String> env, final String key, final String value)
    {
        final Map<String, String> out = new HashMap<>(env);
        out.put(key, value);
        return out;
    }

    @Test
    void theEnvironmentWhenNothingElseNamesTheMaster() throws Exception
    {
        final MooncakeBackendConfig c = MooncakeBackendConfig.resolve(null, ENV);
        assertThat(c.source()).isEqualTo("environment");
        assertThat(c.master()).isEqualTo("10.0.0.3:50051");
        assertThat(c.metadataServer()).isEqualTo("http://10.0.0.3:8080/metadata");
        assertThat(c.globalSegmentSize()).isEqualTo(256L << 20);
        assertThat(c.localHostname()).isEqualTo("10.0.0.9");
        assertThat(c.protocol()).isEqualTo("tcp");
        assertThat(c.prefetchThreshold()).isEqualTo(-1);
        assertThat(c.prefetchTimeoutBaseS()).isEqualTo(-1);

        final MooncakeBackendConfig defaults = MooncakeBackendConfig.resolve(null,
            Map.of("MOONCAKE_MASTER", "m:1"));
        assertThat(defaults.metadataServer()).isEqualTo("P2PHANDSHAKE");
        assertThat(defaults.globalSegmentSize()).isEqualTo(MooncakeBackendConfig.DEFAULT_SEGMENT);
    }

    @Test
    void theFileWinsOverTheEnvironment() throws Exception
    {
        final Path f = file("{\"master_server_address\": \"file-master:7\", \"global_segment_size\": \"1gb\", "
            + "\"metadata_server\": \"P2PHANDSHAKE\"}");
        final MooncakeBackendConfig c = MooncakeBackendConfig.resolve(null,
            with(ENV, "SGLANG_HICACHE_MOONCAKE_CONFIG_PATH", f.toString()));
        assertThat(c.source()).isEqualTo(f.toString());
        assertThat(c.master()).isEqualTo("file-master:7");
        assertThat(c.globalSegmentSize()).isEqualTo(1L << 30);
        assertThat(c.metadataServer()).as("nothing of the environment's").isEqualTo("P2PHANDSHAKE");
        assertThat(c.localHostname()).isEqualTo("localhost");
    }

    @Test
    void anExtraConfigNamingTheMasterWinsOverFileAndEnvironment() throws Exception
    {
        final Path f = file("{\"master_server_address\": \"file-master:7\"}");
        final String extra = "{\"master_server_address\": \"extra-master:9\", \"global_segment_size\": 1048576, "
            + "\"prefetch_threshold\": 64, \"prefetch_timeout_base\": 0.5, \"prefetch_timeout_per_ki_token\": 0.1, "
            + "\"prefetch_timeout_max\": 3}";
        final MooncakeBackendConfig c = MooncakeBackendConfig.resolve(extra,
            with(ENV, "SGLANG_HICACHE_MOONCAKE_CONFIG_PATH", f.toString()));
        assertThat(c.source()).isEqualTo("extra-config");
        assertThat(c.master()).isEqualTo("extra-master:9");
        assertThat(c.globalSegmentSize()).isEqualTo(1L << 20);
        assertThat(c.prefetchThreshold()).isEqualTo(64);
        assertThat(c.prefetchTimeoutBaseS()).isEqualTo(0.5);
        assertThat(c.prefetchTimeoutPerKiS()).isEqualTo(0.1);
        assertThat(c.prefetchTimeoutMaxS()).isEqualTo(3);

        final Path extraFile = dir.resolve("extra.json");
        Files.writeString(extraFile, extra);
        assertThat(MooncakeBackendConfig.resolve("@" + extraFile, ENV).master()).as("@file")
            .isEqualTo("extra-master:9");
    }

    @Test
    void anExtraConfigWithoutTheMasterGivesOnlyThePrefetchKeys() throws Exception
    {
        final MooncakeBackendConfig c = MooncakeBackendConfig.resolve("{\"prefetch_timeout_base\": 0.05, "
            + "\"global_segment_size\": \"1gb\"}", ENV);
        assertThat(c.source()).isEqualTo("environment");
        assertThat(c.master()).isEqualTo("10.0.0.3:50051");
        assertThat(c.globalSegmentSize()).as("store keys come from the environment").isEqualTo(256L << 20);
        assertThat(c.prefetchTimeoutBaseS()).isEqualTo(0.05);
        assertThat(MooncakeBackendConfig.resolve("{\"master_server_address\": null}", ENV).source())
            .as("a null master is not given, as SGLang's extra_config.get(...) is not None").isEqualTo("environment");

        final WorkerPlan plan = WorkerPlan.of(new LiveServing.Launch().settings(), c);
        assertThat(plan.cache().prefetchTimeoutNs(0)).isEqualTo(50_000_000L);
        assertThat(plan.cache().prefetchTimeoutNs(1024)).as("default per-Ki timeout 0.25 s")
            .isEqualTo(300_000_000L);
        assertThat(plan.cache().prefetchThresholdTokens()).as("SGLang's default").isEqualTo(256);
    }

    @Test
    void badBackendSettingsAreOneLineNamingTheFix() throws Exception
    {
        assertOneLine(() -> MooncakeBackendConfig.resolve(null, Map.of()), "MOONCAKE_MASTER");
        assertOneLine(() -> MooncakeBackendConfig.resolve("{\"global_segment_size\": \"1gb\"}", Map.of()),
            "MOONCAKE_MASTER");
        assertOneLine(() -> MooncakeBackendConfig.resolve("{\"master_server_address\": null}", Map.of()),
            "MOONCAKE_MASTER");
        final Path noMaster = file("{\"global_segment_size\": \"1gb\"}");
        assertOneLine(() -> MooncakeBackendConfig.resolve(null, with(ENV, "SGLANG_HICACHE_MOONCAKE_CONFIG_PATH",
            noMaster.toString())), "master_server_address", noMaster.toString());
        assertOneLine(() -> MooncakeBackendConfig.resolve("{not json", ENV), "--hicache-storage-backend-extra-config");
        assertOneLine(() -> MooncakeBackendConfig.resolve("{\"prefetch_timeout_base\": \"soon\"}", ENV),
            "prefetch_timeout_base");
        assertOneLine(() -> MooncakeBackendConfig.resolve("{\"master_server_address\": \"m:1\", \"bogus\": 1}", ENV),
            "bogus");
        assertOneLine(() -> MooncakeBackendConfig.resolve(null, with(ENV, "MOONCAKE_PROTOCOL", "efa")), "efa");
        assertOneLine(() -> MooncakeBackendConfig.resolve(null, with(ENV, "MOONCAKE_GLOBAL_SEGMENT_SIZE", "lots")),
            "global_segment_size");
    }

    @Test
    void badServerSettingsAreOneLineNamingTheFlag()
    {
        assertOneLine(() -> launch(l -> l.memLayout = "layer_first").settings(), "--hicache-mem-layout",
            "page_first", "layer_first");
        assertOneLine(() -> launch(l -> l.storageBackend = "file").settings(), "--hicache-storage-backend");
        assertOneLine(() -> launch(l -> l.hierarchicalCache = false).settings(), "--enable-hierarchical-cache");
        assertOneLine(() -> launch(l -> l.pageSize = 0).settings(), "--page-size");
        assertOneLine(() -> launch(l -> l.deviceMemory = 0).settings(), "--device-memory");
        assertOneLine(() -> launch(l -> l.computeTimeScale = -1).settings(), "--compute-time-scale");
        assertOneLine(() -> WorkerPlan.of(launch(l -> l.deviceMemory = 1 << 16).settings(), null), "--device-memory");
    }

    /** A failed start names what failed in one line (and releases the data port it bound before failing). */
    @Test
    void aServerWithoutItsMasterFailsWithOneLine() throws Exception
    {
        assertOneLine(() -> ServingServer.start(new LiveServing.Launch().settings(), Map.of()), "MOONCAKE_MASTER");
        final int closed;
        try (ServerSocket s = new ServerSocket(0))
        {
            closed = s.getLocalPort();
        }
        try (LiveMaster master = new LiveMaster(MasterConfig.defaults()))
        {
            final Map<String, String> env = with(LiveServing.env(master), "MOONCAKE_MASTER", "127.0.0.1:" + closed);
            assertOneLine(() -> ServingServer.start(new LiveServing.Launch().settings(), env), "127.0.0.1:" + closed);
            final Map<String, String> etcd = with(LiveServing.env(master), "MOONCAKE_TE_META_DATA_SERVER",
                "etcd://127.0.0.1:2379");
            assertOneLine(() -> ServingServer.start(new LiveServing.Launch().settings(), etcd), "metadata_server",
                "P2PHANDSHAKE");
        }
    }

    private static LiveServing.Launch launch(final java.util.function.Consumer<LiveServing.Launch> change)
    {
        final LiveServing.Launch l = new LiveServing.Launch();
        change.accept(l);
        return l;
    }

    @Test
    void theProtocolAndNicsComeFromTheConfigAndRdmaNeedsAMetadataService() throws Exception
    {
        final MooncakeBackendConfig rdma = MooncakeBackendConfig.resolve(null, with(with(ENV, "MOONCAKE_PROTOCOL",
            "rdma"), "MOONCAKE_DEVICE", "mlx5_0:1"));
        assertThat(rdma.protocol()).isEqualTo("rdma");
        assertThat(rdma.deviceName()).isEqualTo("mlx5_0:1");
        assertOneLine(() -> MooncakeBackendConfig.resolve("{\"master_server_address\": \"m:1\", "
            + "\"protocol\": \"rdma\", \"metadata_server\": \"P2PHANDSHAKE\"}", Map.of()), "protocol \"rdma\"",
            "metadata_server");
        assertOneLine(() -> MooncakeBackendConfig.resolve("{\"master_server_address\": \"m:1\", "
            + "\"protocol\": \"efa\"}", Map.of()), "protocol 'efa'", "\"tcp\" or \"rdma\"");
        assertOneLine(() -> new dev.kvtier.live.config.StoreConfig("h", "P2PHANDSHAKE", "m:1", "rdma", "", 0, 0),
            "protocol \"rdma\"", "http://host:port/metadata");
    }

    private static void assertOneLine(final org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
        final String... mentions)
    {
        assertThatThrownBy(call).isInstanceOfAny(IllegalArgumentException.class, IllegalStateException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(mentions));
    }
}
