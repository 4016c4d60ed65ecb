package dev.kvtier.live.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest
{
    @Test
    void shouldStartFromTheEnvironmentAloneWithTheReferenceDefaults() throws Exception
    {
        final StoreConfig c = StoreConfig.load(null, Map.of("MOONCAKE_MASTER", "10.0.0.1:50051"));
        assertThat(c.masterServerAddress()).isEqualTo("10.0.0.1:50051");
        assertThat(c.localHostname()).isEqualTo("localhost");
        assertThat(c.metadataServer()).isEqualTo("P2PHANDSHAKE");
        assertThat(c.globalSegmentSize()).isEqualTo(StoreConfig.DEFAULT_GLOBAL_SEGMENT_SIZE);
        assertThatThrownBy(() -> StoreConfig.load(null, Map.of()))
            .hasMessageContaining("master_server_address' (or MOONCAKE_MASTER)");
    }

    @Test
    void shouldRefuseFieldsItDoesNotImplementInsteadOfIgnoringThem(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("store.json"), "{\"local_hostname\": \"h\", "
            + "\"metadata_server\": \"P2PHANDSHAKE\", \"master_server_address\": \"m:1\", "
            + "\"enable_ssd_offload\": true, \"ssd_offload_path\": \"/ssd\"}");
        assertThatThrownBy(() -> StoreConfig.load(file, Map.of()))
            .hasMessageContaining("enable_ssd_offload").hasMessageContaining("not implemented");
        assertThatThrownBy(() -> StoreConfig.load(null, Map.of("MOONCAKE_MASTER", "m:1", "MOONCAKE_TENANT_ID", "t")))
            .hasMessageContaining("tenant_id (MOONCAKE_TENANT_ID) = 't'");
        final Path off = Files.writeString(dir.resolve("off.json"), "{\"local_hostname\": \"h\", "
            + "\"metadata_server\": \"P2PHANDSHAKE\", \"master_server_address\": \"m:1\", "
            + "\"enable_ssd_offload\": false, \"tenant_id\": \"default\"}");
        assertThat(StoreConfig.load(off, Map.of()).masterServerAddress()).isEqualTo("m:1");
    }
}
