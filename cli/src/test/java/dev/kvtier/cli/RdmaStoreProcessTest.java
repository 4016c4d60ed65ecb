package dev.kvtier.cli;

import com.sun.jna.Function;
import com.sun.jna.Platform;
import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.transport.rdma.ucp.UcpLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Protocol {@code rdma} between real processes: {@code kvtier master}, two {@code kvtier store} services with
 * {@code "protocol": "rdma"}, and this JVM's client library, over UCX {@code tcp} and UCX shared memory (the same
 * UCP put/get calls that run as RDMA READ/WRITE on InfiniBand or RoCE). Values are put and read back byte for
 * byte; then one store is killed with SIGKILL while two readers are mid-load, and every read either returns the
 * right bytes or fails, none hangs.
 */
class RdmaStoreProcessTest
{
    private static final int SIZE = 64 * 1024;
    private static final int VALUES = 64;

    private static Path storeConfig(final Path dir, final String name, final String master, final String metadata)
        throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "{\"local_hostname\": \"127.0.0.1\", \"metadata_server\": \"" + metadata
            + "\", \"master_server_address\": \"" + master + "\", \"protocol\": \"rdma\", \"device_name\": \"\","
            + " \"global_segment_size\": \"64mb\", \"local_buffer_size\": \"4mb\"}");
        return file;
    }

    private static void fill(final ByteBuffer b, final int i)
    {
        final SplittableRandom r = new SplittableRandom(i);
        b.clear();
        b.putInt(0, i);
        for (int p = 4; p + 8 <= b.capacity(); p += 8)
        {
            b.putLong(p, r.nextLong());
        }
    }

    /** UCX reads {@code UCX_TLS} when a context is created; this JVM's own engines take it from here. */
    private static void ucxTransports(final String tls)
    {
        Function.getFunction(Platform.C_LIBRARY_NAME, "setenv").invokeInt(new Object[] {"UCX_TLS", tls, 1});
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "sm,self"})
    void putGetBetweenProcessesAndAStoreKilledMidLoad(final String tls, @TempDir final Path dir) throws Exception
    {
        assumeTrue(UcpLibrary.available(), "UCX's libucp is not installed (apt-get install libucx0)");
        final Map<String, String> env = Map.of("UCX_TLS", tls);
        ucxTransports(tls);
        try (KvtierProcess master = KvtierProcess.start("kvtier master:", "master", "--rpc-port", "0",
            "--rpc-address", "127.0.0.1", "--enable-http-metadata-server", "--http-metadata-server-port", "0",
            "--http-metadata-server-host", "127.0.0.1", "--metrics-port", "0", "--metrics-host", "127.0.0.1"))
        {
            final String rpc = master.fromReadyLine("rpc (\\S+:\\d+),");
            final String metadata = master.fromReadyLine("metadata (http://\\S+/metadata)");
            try (KvtierProcess victim = KvtierProcess.start(env, "kvtier store:", "store", "--config",
                storeConfig(dir, "a.json", rpc, metadata).toString());
                 KvtierProcess survivor = KvtierProcess.start(env, "kvtier store:", "store", "--config",
                     storeConfig(dir, "b.json", rpc, metadata).toString());
                 DistributedStore client = DistributedStore.setup(StoreConfig.of(rpc, metadata, 0, 1 << 20)
                     .withProtocol("rdma", "")))
            {
                assertThat(victim.awaitReady()).contains("protocol rdma");
                survivor.awaitReady();
                final ByteBuffer src = ByteBuffer.allocateDirect(SIZE);
                final ByteBuffer dst = ByteBuffer.allocateDirect(SIZE);
                final ByteBuffer want = ByteBuffer.allocateDirect(SIZE);
                client.registerBuffer(src);
                client.registerBuffer(dst);
                for (int i = 0; i < VALUES; i++)
                {
                    fill(src, i);
                    assertThat(client.putFrom("v" + i, src)).as("put v" + i).isZero();
                }
                for (int i = 0; i < VALUES; i++)
                {
                    dst.clear();
                    assertThat(client.getInto("v" + i, dst)).isEqualTo(SIZE);
                    fill(want, i);
                    assertThat(dst.clear().mismatch(want.clear())).as("v" + i).isEqualTo(-1);
                }
                readWhileKilling(client, victim, !tls.startsWith("sm"));
            }
        }
        finally
        {
            ucxTransports("");
        }
    }

    /**
     * @param detected whether UCX detects the dead peer (tcp): then reads of its values fail; over shared memory the
     *                 dead store's segment stays attached to this process, so they may still return the right bytes
     */
    private static void readWhileKilling(final DistributedStore client, final KvtierProcess victim,
        final boolean detected) throws Exception
    {
        final AtomicInteger mismatches = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger good = new AtomicInteger();
        final AtomicInteger readsBeforeKill = new AtomicInteger();
        final List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++)
        {
            final int first = t;
            readers.add(new Thread(() ->
            {
                final ByteBuffer mine = ByteBuffer.allocateDirect(SIZE);
                final ByteBuffer expected = ByteBuffer.allocateDirect(SIZE);
                client.registerBuffer(mine);
                for (int round = 0; round < 4; round++)
                {
                    for (int i = first; i < VALUES; i += 2)
                    {
                        mine.clear();
                        final long n = client.getInto("v" + i, mine);
                        if (n == SIZE)
                        {
                            fill(expected, i);
                            if (mine.clear().mismatch(expected.clear()) != -1)
                            {
                                mismatches.incrementAndGet();
                            }
                            good.incrementAndGet();
                        }
                        else
                        {
                            failed.incrementAndGet();
                        }
                        readsBeforeKill.incrementAndGet();
                    }
                }
            }, "reader-" + t));
        }
        readers.forEach(Thread::start);
        // kill once the readers are under way, so that transfers are in flight when the store dies
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (readsBeforeKill.get() < VALUES / 2 && System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
        victim.kill();
        for (final Thread t : readers)
        {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(t.isAlive()).as(t.getName() + " finished: no read hangs on the dead store").isFalse();
        }
        assertThat(mismatches.get()).as("never wrong bytes").isZero();
        assertThat(good.get()).isPositive();
        assertThat(good.get() + failed.get()).isEqualTo(4 * VALUES);
        if (detected)
        {
            assertThat(failed.get()).as("reads of the dead store's values fail").isPositive();
        }
    }

    @Test
    void missingUcxIsOneLine(@TempDir final Path dir) throws Exception
    {
        final Path config = storeConfig(dir, "c.json", "127.0.0.1:1", "http://127.0.0.1:1/metadata");
        try (KvtierProcess store = KvtierProcess.start(Map.of("JAVA_TOOL_OPTIONS",
            "-Dkvtier.ucx.library=libucp-absent.so.0"), "kvtier store:", "store", "--config", config.toString()))
        {
            assertThat(store.awaitExit()).isEqualTo(1);
            assertThat(store.output().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")))
                .singleElement().asString().contains("libucp-absent.so.0 cannot be loaded", "apt-get install libucx0");
        }
    }
}
