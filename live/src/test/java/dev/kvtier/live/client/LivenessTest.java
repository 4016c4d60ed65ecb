package dev.kvtier.live.client;

import dev.kvtier.live.LiveMaster;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client liveness against a real master: remount after a master restart, clean close, hugepage errors. */
class LivenessTest
{
    private static String segmentsOf(final LiveMaster m) throws Exception
    {
        return m.admin("/get_all_segments").body().trim();
    }

    /** Polls until {@code condition} holds or {@code timeoutMs} passes; the heartbeat runs once a second. */
    private static boolean within(final long timeoutMs, final java.util.concurrent.Callable<Boolean> condition)
        throws Exception
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline)
        {
            if (condition.call())
            {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.call();
    }

    @Test
    void aRestartedMasterAnswersNeedRemountAndTheClientRemountsItsSegment() throws Exception
    {
        LiveMaster first = new LiveMaster(MasterConfig.defaults());
        final int port = first.server().rpcPort();
        final String metadata = first.metadataUrl();
        try (DistributedStore store = DistributedStore.setup(new StoreConfig("127.0.0.1", "P2PHANDSHAKE",
            first.rpcAddress(), "tcp", "", 16 << 20, 1 << 20)))
        {
            assertThat(segmentsOf(first)).isEqualTo(store.segmentName());
            assertThat(store.put("before", new byte[] {1, 2, 3})).isZero();
            first.close();
            try (LiveMaster second = new LiveMaster(MasterConfig.defaults(), port))
            {
                assertThat(within(15_000, () -> store.segmentName().equals(segmentsOf(second))))
                    .as("three failed pings, reconnect, NEED_REMOUNT, ReMountSegment").isTrue();
                assertThat(store.isExist("before")).as("a master without op-log forgets objects").isZero();
                assertThat(store.put("after", new byte[] {4, 5})).isZero();
                assertThat(store.get("after")).containsExactly(4, 5);
            }
        }
        assertThat(metadata).startsWith("http://");
    }

    @Test
    void aCleanCloseUnmountsAndLaterReadsMissCleanly() throws Exception
    {
        try (LiveMaster master = new LiveMaster(MasterConfig.defaults());
             DistributedStore reader = DistributedStore.setup(StoreConfig.of(master.rpcAddress(), master.metadataUrl(),
                 0, 1 << 20)))
        {
            final DistributedStore holder = DistributedStore.setup(new StoreConfig("127.0.0.1", master.metadataUrl(),
                master.rpcAddress(), "tcp", "", 16 << 20, 1 << 20));
            assertThat(reader.put("k", new byte[] {9})).isZero();
            holder.close();
            assertThat(segmentsOf(master)).isEmpty();
            assertThat(reader.get("k")).isEmpty();
            assertThat(reader.isExist("k")).isZero();
            assertThat(reader.put("k2", new byte[] {9})).isEqualTo(ErrorCode.NO_AVAILABLE_HANDLE.code());
        }
    }

    @Test
    void hugePagesWithoutAReservationFailWithTheFix() throws Exception
    {
        final boolean reserved = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/meminfo"))
            .lines().anyMatch(l -> l.startsWith("HugePages_Free:") && !l.trim().endsWith(" 0"));
        final Map<String, String> env = Map.of("MC_STORE_USE_HUGEPAGE", "1");
        if (reserved)
        {
            final SegmentMemory m = SegmentMemory.map(2 << 20, env);
            assertThat(m.length()).isEqualTo(2 << 20);
            m.release();
        }
        else
        {
            assertThatThrownBy(() -> SegmentMemory.map(4 << 20, env)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("huge pages first").hasMessageContaining("MC_STORE_USE_HUGEPAGE");
        }
        assertThatThrownBy(() -> SegmentMemory.hugePageBytes(Map.of("MC_STORE_USE_HUGEPAGE", "",
            "MC_STORE_HUGEPAGE_SIZE", "4MB"))).hasMessageContaining("use 2MB or 1GB");
        assertThat(SegmentMemory.hugePageBytes(Map.of("MC_STORE_USE_HUGEPAGE", "", "MC_STORE_HUGEPAGE_SIZE", "1GB")))
            .isEqualTo(1L << 30);
        assertThat(SegmentMemory.hugePageBytes(Map.of())).isZero();
    }
}
