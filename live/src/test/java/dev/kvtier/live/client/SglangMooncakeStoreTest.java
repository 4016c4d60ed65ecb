package dev.kvtier.live.client;

import dev.kvtier.live.LiveMaster;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.hicache.StorageKeyScheme;
import dev.kvtier.model.store.ErrorCode;
import dev.kvtier.model.store.MasterConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SGLang's {@code test_mooncake_store} cases against the live store over loopback TCP: a store service with a
 * real segment, clients that register a 16 MiB float32 buffer and move slices of it zero-copy. Plus the client
 * API's remaining calls and their reference return codes.
 */
class SglangMooncakeStoreTest
{
    private static final int FLOATS = 4 << 20; // 16 MiB of float32
    private static LiveMaster master;
    private static DistributedStore storeService;

    @BeforeAll
    static void startCluster() throws Exception
    {
        master = new LiveMaster(MasterConfig.defaults());
        storeService = DistributedStore.setup(new StoreConfig("127.0.0.1", master.metadataUrl(), master.rpcAddress(),
            "tcp", "", 128 << 20, 0));
    }

    @AfterAll
    static void stopCluster() throws Exception
    {
        storeService.close();
        master.close();
    }

    private static DistributedStore client()
    {
        return DistributedStore.setup(StoreConfig.of(master.rpcAddress(), master.metadataUrl(), 0, 16 << 20));
    }

    private static ByteBuffer floats(final long seed)
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        final FloatBuffer f = b.asFloatBuffer();
        final java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < FLOATS; i++)
        {
            f.put(i, (float)r.nextGaussian());
        }
        return b;
    }

    private static ByteBuffer slice(final ByteBuffer b, final int offset, final int length)
    {
        return b.duplicate().position(offset).limit(offset + length);
    }

    @Test
    void singleSetExistsGetOfA4KiBSlice()
    {
        try (DistributedStore c = client())
        {
            final ByteBuffer src = floats(1);
            final ByteBuffer dst = ByteBuffer.allocateDirect(FLOATS * 4);
            assertThat(c.registerBuffer(src)).isZero();
            assertThat(c.registerBuffer(dst)).isZero();
            final String key = "test_single_" + UUID.randomUUID();
            assertThat(c.putFrom(key, slice(src, 8192, 4096))).isZero();
            assertThat(c.isExist(key)).isEqualTo(1);
            assertThat(c.getSize(key)).isEqualTo(4096);
            assertThat(c.getInto(key, slice(dst, 4096, 4096))).isEqualTo(4096);
            assertThat(slice(dst, 4096, 4096).mismatch(slice(src, 8192, 4096))).isEqualTo(-1);
            assertThat(c.remove(key)).as("Exist and Get granted a 10 s read lease")
                .isEqualTo(ErrorCode.OBJECT_HAS_LEASE.code());
            assertThat(c.remove(key, true)).isZero();
            assertThat(c.isExist(key)).isZero();
            assertThat(c.getInto(key, slice(dst, 0, 4096))).isEqualTo(ErrorCode.OBJECT_NOT_FOUND.code());
        }
    }

    @ParameterizedTest(name = "{0} tp_rank {1} of {2}")
    @CsvSource({"MHA, 0, 2", "MHA, 1, 2", "MLA, 0, 2", "MLA, 1, 2", "MHA, 1, 4", "MLA, 3, 8"})
    void batchSetExistsGetOfThirteenPages(final String attention, final int rank, final int tpSize)
    {
        final boolean mla = attention.equals("MLA");
        final StorageKeyScheme scheme = new StorageKeyScheme(mla, rank, tpSize);
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final List<String> pages = new ArrayList<>();
        for (int p = 0; p < 13; p++)
        {
            pages.add("page" + run + p);
        }
        try (DistributedStore writerRank = client(); DistributedStore thisRank = client())
        {
            final ByteBuffer hostPool = floats(rank * 31L + tpSize);
            writerRank.registerBuffer(hostPool);
            // MLA: rank 0 writes the shared latent pages; MHA: this rank writes its own K and V
            final StorageKeyScheme writer = scheme.writes() ? scheme : new StorageKeyScheme(true, 0, tpSize);
            final List<String> keys = new ArrayList<>();
            final List<ByteBuffer> srcs = new ArrayList<>();
            for (int p = 0; p < pages.size(); p++)
            {
                final List<String> objects = writer.keys(pages.get(p));
                for (int o = 0; o < objects.size(); o++)
                {
                    keys.add(objects.get(o));
                    srcs.add(slice(hostPool, (p * 2 + o) * 1024, 1024)); // 256 floats
                }
            }
            assertThat(writerRank.batchPutFrom(keys, srcs)).containsOnly(0);

            final List<String> mine = new ArrayList<>();
            for (final String page : pages)
            {
                mine.addAll(scheme.keys(page));
            }
            assertThat(mine).isEqualTo(keys);
            assertThat(scheme.leadingPagesPresent(thisRank.batchIsExist(mine))).isEqualTo(13);
            final ByteBuffer readPool = ByteBuffer.allocateDirect(FLOATS * 4);
            thisRank.registerBuffer(readPool);
            final List<ByteBuffer> dsts = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++)
            {
                dsts.add(slice(readPool, i * 1024, 1024));
            }
            final long[] got = thisRank.batchGetInto(mine, dsts);
            assertThat(got).containsOnly(1024);
            for (int i = 0; i < mine.size(); i++)
            {
                assertThat(dsts.get(i).mismatch(srcs.get(i))).as("object %s", mine.get(i)).isEqualTo(-1);
            }
            if (!mla)
            {
                final StorageKeyScheme other = new StorageKeyScheme(false, (rank + 1) % tpSize, tpSize);
                final List<String> theirs = new ArrayList<>();
                for (final String page : pages)
                {
                    theirs.addAll(other.keys(page));
                }
                assertThat(other.leadingPagesPresent(thisRank.batchIsExist(theirs)))
                    .as("MHA keys are per rank").isZero();
            }
            assertThat(thisRank.removeByRegex("^page" + run + ".*", true)).isEqualTo(keys.size());
        }
    }

    @Test
    void copyApiBuffersRegistrationAndBulkRemoval()
    {
        try (DistributedStore c = client())
        {
            final byte[] value = "warm-up value".getBytes();
            final String key = "sglang_mooncake_store_warmup_key" + UUID.randomUUID();
            assertThat(c.put(key, value)).isZero();
            assertThat(c.isExist(key)).isEqualTo(1);
            assertThat(c.get(key)).isEqualTo(value);
            assertThat(c.get("missing-" + UUID.randomUUID())).isEmpty();
            assertThat(c.put(key, value)).isEqualTo(ErrorCode.OBJECT_ALREADY_EXISTS.code());
            assertThat(c.put("too-big", new byte[17 << 20])).isEqualTo(ErrorCode.BUFFER_OVERFLOW.code());

            final ByteBuffer unregistered = ByteBuffer.allocateDirect(64);
            assertThat(c.putFrom("x", unregistered)).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            assertThat(c.putFrom("x", ByteBuffer.allocate(64))).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            final ByteBuffer small = ByteBuffer.allocateDirect(4);
            c.registerBuffer(small);
            assertThat(c.getInto(key, small)).isEqualTo(ErrorCode.BUFFER_OVERFLOW.code());
            assertThat(c.registerBuffer(small)).as("overlapping registration").isEqualTo(ErrorCode.INVALID_PARAMS.code());
            assertThat(c.unregisterBuffer(small)).isZero();

            assertThat(c.removeAll(false)).as("a read lease protects the object from remove_all without force")
                .isZero();
            assertThat(c.isExist(key)).isEqualTo(1);
            assertThat(c.removeAll(true)).isGreaterThanOrEqualTo(1);
            assertThat(c.isExist(key)).isZero();
        }
    }
}
