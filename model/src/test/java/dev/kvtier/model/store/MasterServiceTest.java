package dev.kvtier.model.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class MasterServiceTest
{
    private static final long CLIENT = 7;
    private static final long MB = 1 << 20;

    private MasterService master;

    private static MasterService newMaster(final MasterConfig config, final long... segmentSizes)
    {
        final MasterService m = new MasterService(config, new SplittableRandom(1));
        for (int i = 0; i < segmentSizes.length; i++)
        {
            m.mountSegment(new Segment(i + 1, "host" + i + ":12300", 0x10000000L * (i + 1), segmentSizes[i],
                100 + i, "host" + i), 100 + i, 0);
        }
        return m;
    }

    @BeforeEach
    void setUp()
    {
        master = newMaster(MasterConfig.defaults(), 10 * MB, 10 * MB);
    }

    private void put(final String key, final long size, final long now)
    {
        assertThat(master.putStart(CLIENT, key, size, ReplicateConfig.defaults(), now).error())
            .isEqualTo(ErrorCode.OK);
        assertThat(master.putEnd(CLIENT, key, now).error()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void putShouldMoveFromProcessingToComplete()
    {
        final Result<List<ReplicaDescriptor>> start = master.putStart(CLIENT, "k", MB, ReplicateConfig.defaults(), 0);
        assertThat(start.value()).singleElement().satisfies(d ->
        {
            assertThat(d.status()).isEqualTo(ReplicaStatus.PROCESSING);
            assertThat(d.size()).isEqualTo(MB);
        });
        assertThat(master.getReplicaList("k", 1).error()).isEqualTo(ErrorCode.REPLICA_IS_NOT_READY);
        assertThat(master.existKey("k", 1, true)).isFalse();
        assertThat(master.putEnd(CLIENT, "k", 2).error()).isEqualTo(ErrorCode.OK);
        assertThat(master.getReplicaList("k", 3).value()).singleElement()
            .extracting(ReplicaDescriptor::status).isEqualTo(ReplicaStatus.COMPLETE);
        assertThat(master.putEnd(CLIENT, "k", 4).error()).as("idempotent retry").isEqualTo(ErrorCode.OK);
    }

    @Test
    void shouldValidatePutStartParameters()
    {
        assertThat(master.putStart(CLIENT, "", MB, ReplicateConfig.defaults(), 0).error())
            .isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(master.putStart(CLIENT, "k", 0, ReplicateConfig.defaults(), 0).error())
            .isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(master.putStart(CLIENT, "k", MB, ReplicateConfig.defaults().withReplicas(0), 0).error())
            .isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(master.putStart(CLIENT, "k", MB, ReplicateConfig.defaults().withSoftPin(86_400_001), 0).error())
            .isEqualTo(ErrorCode.INVALID_PARAMS);
    }

    @Test
    void firstWriterShouldWin()
    {
        put("k", MB, 0);
        assertThat(master.putStart(99, "k", 2 * MB, ReplicateConfig.defaults(), 1).error())
            .isEqualTo(ErrorCode.OBJECT_ALREADY_EXISTS);
        assertThat(master.getSize("k").value()).isEqualTo(MB);
    }

    @Test
    void onlyTheWriterMayEndOrRevoke()
    {
        master.putStart(CLIENT, "k", MB, ReplicateConfig.defaults(), 0);
        assertThat(master.putEnd(99, "k", 1).error()).isEqualTo(ErrorCode.ILLEGAL_CLIENT);
        assertThat(master.putRevoke(99, "k", 1).error()).isEqualTo(ErrorCode.ILLEGAL_CLIENT);
    }

    @Test
    void revokeShouldFreeTheSpace()
    {
        master.putStart(CLIENT, "k", 4 * MB, ReplicateConfig.defaults(), 0);
        assertThat(master.allocatedBytes()).isEqualTo(4 * MB);
        assertThat(master.putRevoke(CLIENT, "k", 1).error()).isEqualTo(ErrorCode.OK);
        assertThat(master.allocatedBytes()).isZero();
        assertThat(master.keyCount()).isZero();
        assertThat(master.putRevoke(CLIENT, "k", 2).error()).isEqualTo(ErrorCode.OBJECT_NOT_FOUND);
    }

    @Test
    void aStaleUnfinishedPutShouldBePreemptedAfterThirtySecondsAndReleasedAfterTenMinutes()
    {
        master.putStart(CLIENT, "k", 4 * MB, ReplicateConfig.defaults(), 0);
        assertThat(master.putStart(8, "k", MB, ReplicateConfig.defaults(), 30_000).error())
            .isEqualTo(ErrorCode.OBJECT_ALREADY_EXISTS);
        assertThat(master.putStart(8, "k", MB, ReplicateConfig.defaults(), 30_001).error()).isEqualTo(ErrorCode.OK);
        assertThat(master.allocatedBytes()).as("old space held until released").isEqualTo(5 * MB);
        master.evict(599_999);
        assertThat(master.allocatedBytes()).isEqualTo(5 * MB);
        master.evict(600_000);
        assertThat(master.allocatedBytes()).isEqualTo(MB);
        assertThat(master.counters().putStartReleased()).isEqualTo(1);
    }

    @Test
    void replicasShouldLandOnDistinctSegmentsBestEffort()
    {
        final Result<List<ReplicaDescriptor>> two = master.putStart(CLIENT, "a", MB,
            ReplicateConfig.defaults().withReplicas(2), 0);
        assertThat(two.value()).extracting(ReplicaDescriptor::segmentName).doesNotHaveDuplicates().hasSize(2);
        final Result<List<ReplicaDescriptor>> three = master.putStart(CLIENT, "b", MB,
            ReplicateConfig.defaults().withReplicas(3), 0);
        assertThat(three.value()).as("only two segments exist").hasSize(2);
    }

    @Test
    void leaseShouldBlockRemoveUntilItExpiresUnlessForced()
    {
        put("k", MB, 0);
        assertThat(master.remove("k", false, 0).error()).as("PutEnd grants a zero-length lease")
            .isEqualTo(ErrorCode.OK);
        put("k", MB, 100);
        assertThat(master.getReplicaList("k", 200).isOk()).isTrue();
        assertThat(master.remove("k", false, 10_199).error()).isEqualTo(ErrorCode.OBJECT_HAS_LEASE);
        assertThat(master.remove("k", false, 10_200).error()).isEqualTo(ErrorCode.OK);
        put("j", MB, 0);
        master.existKey("j", 0, true);
        assertThat(master.remove("j", true, 1).error()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void existWithoutLeaseShouldLeaveTheObjectEvictable()
    {
        put("k", MB, 0);
        assertThat(master.existKey("k", 0, false)).isTrue();
        assertThat(master.leaseActive("k", 1)).isFalse();
        assertThat(master.existKey("k", 0, true)).isTrue();
        assertThat(master.leaseActive("k", 1)).isTrue();
    }

    @Test
    void forceShouldNotBypassAnUnfinishedWrite()
    {
        master.putStart(CLIENT, "k", MB, ReplicateConfig.defaults(), 0);
        assertThat(master.remove("k", true, 0).error()).isEqualTo(ErrorCode.REPLICA_IS_NOT_READY);
        assertThat(master.remove("nope", true, 0).error()).isEqualTo(ErrorCode.OBJECT_NOT_FOUND);
    }

    @Test
    void removeAllShouldSkipLeasedAndUnfinishedObjectsUnlessForced()
    {
        put("a", MB, 0);
        put("b", MB, 0);
        master.getReplicaList("b", 0);
        master.putStart(CLIENT, "c", MB, ReplicateConfig.defaults(), 0);
        assertThat(master.removeAll(false, 1)).isEqualTo(1);
        assertThat(master.removeAll(true, 1)).isEqualTo(1);
        assertThat(master.keyCount()).as("the unfinished write survives").isEqualTo(1);
    }

    @Test
    void removeByRegexShouldRemoveMatchingKeysOnly()
    {
        put("page1_0_k", MB / 4, 0);
        put("page1_0_v", MB / 4, 0);
        put("page2_k", MB / 4, 0);
        assertThat(master.removeByRegex("page1_.*", false, 1)).isEqualTo(2);
        assertThat(master.keyCount()).isEqualTo(1);
    }

    @Test
    void hardPinShouldNeverBeEvictedAndNeedForceToRemove()
    {
        final MasterService m = newMaster(MasterConfig.defaults().withEviction(0.5, 0.1), 4 * MB);
        m.putStart(CLIENT, "pinned", MB, ReplicateConfig.defaults().withHardPin(), 0);
        m.putEnd(CLIENT, "pinned", 0);
        m.putStart(CLIENT, "plain", MB, ReplicateConfig.defaults(), 0);
        m.putEnd(CLIENT, "plain", 0);
        for (long t = 1; t < 100; t++)
        {
            m.evict(t);
        }
        assertThat(m.queryKey("pinned")).isNotEmpty();
        assertThat(m.queryKey("plain")).isEmpty();
        assertThat(m.remove("pinned", false, 200).error()).isEqualTo(ErrorCode.OBJECT_HAS_LEASE);
        assertThat(m.remove("pinned", true, 200).error()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void evictionShouldTakeTheOldestLeasesFirstAndSoftPinnedLast()
    {
        // 20 objects of 1 MiB in 20 MiB: used 1.0 > 0.9 -> target max(0.05, 0.15) = 0.15 -> ceil(20*0.15) = 3.
        final MasterService m = newMaster(MasterConfig.defaults(), 20 * MB);
        for (int i = 0; i < 20; i++)
        {
            final ReplicateConfig cfg = i < 2 ? ReplicateConfig.defaults().withSoftPin(MasterConfig
                .DEFAULT_SOFT_PIN_TTL_MS) : ReplicateConfig.defaults();
            m.putStart(CLIENT, "k" + i, MB, cfg, i);
            m.putEnd(CLIENT, "k" + i, i);
        }
        assertThat(m.evict(100)).isEqualTo(3);
        assertThat(m.queryKey("k0")).as("soft-pinned, oldest, still kept").isNotEmpty();
        assertThat(m.queryKey("k1")).isNotEmpty();
        assertThat(m.queryKey("k2")).isEmpty();
        assertThat(m.queryKey("k3")).isEmpty();
        assertThat(m.queryKey("k4")).isEmpty();
        assertThat(m.queryKey("k5")).isNotEmpty();
        assertThat(m.counters().evictedKeys()).isEqualTo(3);
    }

    @Test
    void leasedObjectsShouldNotBeEvictedEvenAboveTheWatermark()
    {
        final MasterService m = newMaster(MasterConfig.defaults(), 10 * MB);
        for (int i = 0; i < 10; i++)
        {
            m.putStart(CLIENT, "k" + i, MB, ReplicateConfig.defaults(), 0);
            m.putEnd(CLIENT, "k" + i, 0);
            m.existKey("k" + i, 0, true);
        }
        assertThat(m.evict(5_000)).isZero();
        assertThat(m.counters().evictionAttempts()).isEqualTo(1);
        assertThat(m.evict(10_001)).isPositive();
    }

    @Test
    void softPinnedObjectsShouldStayWhenSoftPinnedEvictionIsDisallowed()
    {
        final MasterService m = newMaster(MasterConfig.defaults().withSoftPinnedEviction(false), 4 * MB);
        for (int i = 0; i < 4; i++)
        {
            m.putStart(CLIENT, "k" + i, MB, ReplicateConfig.defaults().withSoftPin(60_000), 0);
            m.putEnd(CLIENT, "k" + i, 0);
        }
        assertThat(m.evict(1)).isZero();
        assertThat(m.evict(60_001)).as("the soft pin expired").isPositive();
    }

    @Test
    void failedAllocationShouldTriggerEvictionBelowTheWatermark()
    {
        final MasterService m = newMaster(MasterConfig.defaults(), 10 * MB);
        for (int i = 0; i < 4; i++)
        {
            m.putStart(CLIENT, "k" + i, 2 * MB, ReplicateConfig.defaults(), i);
            m.putEnd(CLIENT, "k" + i, i);
        }
        assertThat(m.evict(10)).as("used 0.8 <= 0.9: nothing to do").isZero();
        assertThat(m.putStart(CLIENT, "big", 4 * MB, ReplicateConfig.defaults(), 10).error())
            .isEqualTo(ErrorCode.NO_AVAILABLE_HANDLE);
        assertThat(m.evict(11)).isEqualTo(1);
        assertThat(m.queryKey("k0")).isEmpty();
    }

    @Test
    void allocatorShouldFragment()
    {
        final MasterService m = newMaster(MasterConfig.defaults(), 4 * MB);
        for (int i = 0; i < 4; i++)
        {
            m.putStart(CLIENT, "k" + i, MB, ReplicateConfig.defaults(), 0);
            m.putEnd(CLIENT, "k" + i, 0);
        }
        m.remove("k0", false, 1);
        m.remove("k2", false, 1);
        assertThat(m.capacityBytes() - m.allocatedBytes()).isEqualTo(2 * MB);
        assertThat(m.putStart(CLIENT, "two", 2 * MB, ReplicateConfig.defaults(), 1).error())
            .as("2 MiB free, but in two holes").isEqualTo(ErrorCode.NO_AVAILABLE_HANDLE);
        m.remove("k1", false, 1);
        assertThat(m.putStart(CLIENT, "two", 2 * MB, ReplicateConfig.defaults(), 1).error())
            .as("holes coalesced").isEqualTo(ErrorCode.OK);
    }

    @Test
    void aNewClientShouldRemountBeforeItIsLiveAndLoseItsSegmentsWhenItsTtlLapses()
    {
        final MasterService m = newMaster(MasterConfig.defaults());
        final Segment seg = new Segment(42, "store:12300", 0x7000_0000L, 8 * MB, 5, "h");
        assertThat(m.mountSegment(seg, 5, 0).error()).isEqualTo(ErrorCode.OK);
        assertThat(m.mountSegment(seg, 5, 0).error()).as("idempotent").isEqualTo(ErrorCode.OK);
        assertThat(m.ping(5, 100)).isEqualTo(ClientStatus.NEED_REMOUNT);
        m.remountSegments(List.of(seg), 5, 200);
        assertThat(m.ping(5, 300)).isEqualTo(ClientStatus.OK);
        assertThat(m.liveClients()).isEqualTo(1);
        m.putStart(CLIENT, "k", MB, ReplicateConfig.defaults(), 300);
        m.putEnd(CLIENT, "k", 300);
        assertThat(m.getReplicaList("k", 301).value()).singleElement()
            .satisfies(d -> assertThat(d.bufferAddress()).isBetween(0x7000_0000L, 0x7000_0000L + 8 * MB));
        assertThat(m.expireClients(10_300)).isEmpty();
        assertThat(m.expireClients(10_301)).containsExactly(5L);
        assertThat(m.segmentCount()).isZero();
        assertThat(m.getReplicaList("k", 10_302).error()).as("only replica was there").isEqualTo(
            ErrorCode.OBJECT_NOT_FOUND);
        assertThat(m.ping(5, 10_400)).isEqualTo(ClientStatus.NEED_REMOUNT);
    }

    @Test
    void unmountShouldDropReplicasButKeepObjectsWithOthers()
    {
        master.putStart(CLIENT, "k", MB, ReplicateConfig.defaults().withReplicas(2), 0);
        master.putEnd(CLIENT, "k", 0);
        assertThat(master.unmountSegment(1, 999).error()).isEqualTo(ErrorCode.ILLEGAL_CLIENT);
        assertThat(master.unmountSegment(1, 100).error()).isEqualTo(ErrorCode.OK);
        assertThat(master.unmountSegment(1, 100).error()).as("idempotent").isEqualTo(ErrorCode.OK);
        assertThat(master.getReplicaList("k", 1).value()).hasSize(1);
    }

    @Test
    void strategiesShouldPlaceAsDocumented()
    {
        final MasterService local = newMaster(MasterConfig.defaults().withStrategy(AllocationStrategy.LOCAL_FIRST),
            10 * MB, 10 * MB, 10 * MB);
        for (int i = 0; i < 5; i++)
        {
            assertThat(local.putStart(CLIENT, "k" + i, MB, ReplicateConfig.defaults().withHost("host2"), 0).value())
                .singleElement().extracting(ReplicaDescriptor::segmentName).isEqualTo("host2:12300");
        }
        final MasterService free = newMaster(MasterConfig.defaults()
            .withStrategy(AllocationStrategy.FREE_RATIO_FIRST), 10 * MB, 10 * MB);
        free.putStart(CLIENT, "big", 6 * MB, ReplicateConfig.defaults().withPreferred(List.of("host0:12300")), 0);
        for (int i = 0; i < 3; i++)
        {
            assertThat(free.putStart(CLIENT, "s" + i, MB, ReplicateConfig.defaults(), 0).value()).singleElement()
                .extracting(ReplicaDescriptor::segmentName).as("emptier segment first").isEqualTo("host1:12300");
        }
    }

    @Test
    void batchVariantsShouldAnswerPerKey()
    {
        final List<Result<List<ReplicaDescriptor>>> started = master.batchPutStart(CLIENT,
            StoreKey.of(List.of("a", "b", "")), List.of(MB, MB, MB), ReplicateConfig.defaults(), 0);
        assertThat(started).extracting(Result::error)
            .containsExactly(ErrorCode.OK, ErrorCode.OK, ErrorCode.INVALID_PARAMS);
        assertThat(master.batchPutEnd(CLIENT, StoreKey.of(List.of("a")), 1)).extracting(Result::error)
            .containsExactly(ErrorCode.OK);
        assertThat(master.batchPutRevoke(CLIENT, StoreKey.of(List.of("b", "a")), 1)).extracting(Result::error)
            .containsExactly(ErrorCode.OK, ErrorCode.INVALID_WRITE);
        assertThat(master.batchGetReplicaList(StoreKey.of(List.of("a", "b")), 2)).extracting(Result::error)
            .containsExactly(ErrorCode.OK, ErrorCode.OBJECT_NOT_FOUND);
        assertThat(master.batchRemove(StoreKey.of(List.of("a", "b")), true, 3)).extracting(Result::error)
            .containsExactly(ErrorCode.OK, ErrorCode.OBJECT_NOT_FOUND);
    }

    @Test
    void aSegmentMountedUnderAMountedNameReplacesTheOldOneAndItsReplicas()
    {
        // host0:12300 (segment 1, client 100) holds "k"; its process dies and a new one restarts on the same
        // address, mapping its segment at the very same base, before client 100's TTL expired
        final MasterService m = newMaster(MasterConfig.defaults(), 10 * MB);
        assertThat(m.putStart(CLIENT, "k", MB, ReplicateConfig.defaults(), 0).error()).isEqualTo(ErrorCode.OK);
        assertThat(m.putEnd(CLIENT, "k", 0).error()).isEqualTo(ErrorCode.OK);
        final Segment restarted = new Segment(9, "host0:12300", 0x10000000L, 10 * MB, 200, "host0");
        assertThat(m.mountSegment(restarted, 200, 1).error()).isEqualTo(ErrorCode.OK);
        assertThat(m.allSegments()).containsExactly(restarted);
        assertThat(m.getReplicaList("k", 2).error()).as("no replica into the new process's memory")
            .isEqualTo(ErrorCode.OBJECT_NOT_FOUND);
        // a new object may take the same offset: only one object owns it
        assertThat(m.putStart(CLIENT, "k2", MB, ReplicateConfig.defaults(), 3).value()).singleElement()
            .extracting(ReplicaDescriptor::bufferAddress).isEqualTo(0x10000000L);
        m.ping(200, 15_000);
        assertThat(m.expireClients(20_000)).containsExactly(100L);
        assertThat(m.allSegments()).as("the old client's expiry leaves the new segment").containsExactly(restarted);
        // after a master restart the new process remounts; the name is still its own
        assertThat(m.remountSegments(List.of(restarted), 200, 20_001).error()).isEqualTo(ErrorCode.OK);
        assertThat(m.allSegments()).containsExactly(restarted);
    }
}
