package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.live.client.DistributedStore;
import dev.kvtier.live.config.StoreConfig;
import dev.kvtier.model.store.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference deployment as real processes on loopback: {@code kvtier master} with the embedded metadata
 * service, two {@code kvtier store} services, {@code kvtier store-bench}, and one store killed with SIGKILL in
 * the middle of a load.
 */
class LiveStoreProcessTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String get(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int status(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
    }

    private static Path storeConfig(final Path dir, final String name, final String master, final String metadata)
        throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, "{\"local_hostname\": \"127.0.0.1\", \"metadata_server\": \"" + metadata
            + "\", \"master_server_address\": \"" + master + "\", \"protocol\": \"tcp\", \"device_name\": \"\","
            + " \"global_segment_size\": \"96mb\", \"local_buffer_size\": \"16mb\"}");
        return file;
    }

    /** The value stored under key i: its index, then bytes from a stream seeded by it. */
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

    @Test
    void storeBenchShouldStopAtTheFirstAllocationFailureWhenNoStoreIsMounted() throws Exception
    {
        try (KvtierProcess master = KvtierProcess.start("kvtier master:", "master", "--rpc-port", "0",
            "--rpc-address", "127.0.0.1", "--enable-http-metadata-server", "--http-metadata-server-port", "0",
            "--http-metadata-server-host", "127.0.0.1", "--metrics-port", "0", "--metrics-host", "127.0.0.1"))
        {
            final CliRun bench = CliRun.of("store-bench", "--master", master.fromReadyLine("rpc (\\S+:\\d+),"),
                "--metadata-server", master.fromReadyLine("metadata (http://\\S+/metadata)"), "--clients", "2",
                "--value-size", "64kb", "--ops", "400");
            assertThat(bench.exitCode()).isEqualTo(1);
            assertThat(bench.err()).contains("no segment mounted at the master (start `kvtier store` first)");
            assertThat(bench.err().lines()).hasSize(1);
            assertThat(bench.out()).doesNotContain("MiB/s");
            // kvtier store from the MOONCAKE_* environment alone, as SGLang's and Mooncake's store services start
            try (KvtierProcess store = KvtierProcess.start(java.util.Map.of("MOONCAKE_MASTER", rpc(master),
                "MOONCAKE_TE_META_DATA_SERVER", master.fromReadyLine("metadata (http://\\S+/metadata)"),
                "MOONCAKE_LOCAL_HOSTNAME", "127.0.0.1", "MOONCAKE_GLOBAL_SEGMENT_SIZE", "64mb",
                "MOONCAKE_LOCAL_BUFFER_SIZE", "16mb"), "kvtier store:", "store"))
            {
                assertThat(store.awaitReady()).contains("mounted at master " + rpc(master));
                final CliRun again = CliRun.of("store-bench", "--master", rpc(master), "--metadata-server",
                    master.fromReadyLine("metadata (http://\\S+/metadata)"), "--clients", "2", "--value-size", "64kb",
                    "--ops", "400", "--json");
                assertThat(again.exitCode()).as(again.err() + store.output()).isZero();
                assertThat(again.out()).contains("\"errors\" : 0", "\"succeeded\" : 400");
            }
        }
    }

    private static String rpc(final KvtierProcess master) throws Exception
    {
        return master.fromReadyLine("rpc (\\S+:\\d+),");
    }

    @Test
    void quickStartDeploymentSurvivesAStoreKilledMidLoad(@TempDir final Path dir) throws Exception
    {
        try (KvtierProcess master = KvtierProcess.start("kvtier master:", "master", "--rpc-port", "0",
            "--rpc-address", "127.0.0.1", "--enable-http-metadata-server", "--http-metadata-server-port", "0",
            "--http-metadata-server-host", "127.0.0.1", "--metrics-port", "0", "--metrics-host", "127.0.0.1",
            "--client-ttl", "2", "--enable-metadata-cleanup-on-timeout"))
        {
            final String rpc = master.fromReadyLine("rpc (\\S+:\\d+),");
            final String metadata = master.fromReadyLine("metadata (http://\\S+/metadata)");
            final String admin = master.fromReadyLine("admin (http://\\S+:\\d+)");
            assertThat(get(admin + "/health")).contains("\"status\":\"ok\"");

            try (KvtierProcess victim = KvtierProcess.start("kvtier store:", "store", "--config",
                storeConfig(dir, "a.json", rpc, metadata).toString());
                 KvtierProcess survivor = KvtierProcess.start("kvtier store:", "store", "--config",
                     storeConfig(dir, "b.json", rpc, metadata).toString()))
            {
                final String victimSegment = victim.fromReadyLine("segment (\\S+)");
                final String survivorSegment = survivor.fromReadyLine("segment (\\S+)");
                assertThat(get(admin + "/get_all_segments").lines().sorted())
                    .containsExactlyElementsOf(List.of(victimSegment, survivorSegment).stream().sorted().toList());

                final CliRun bench = CliRun.of("store-bench", "--master", rpc, "--metadata-server", metadata,
                    "--clients", "4", "--value-size", "256kb", "--ops", "64", "--json");
                assertThat(bench.exitCode()).as(bench.err()).isZero();
                final JsonNode report = new ObjectMapper().readTree(bench.out());
                assertThat(report.path("mismatches").asLong()).isZero();
                assertThat(report.path("errors").asLong()).isZero();
                for (final String phase : List.of("put", "get"))
                {
                    assertThat(report.path(phase).path("bytes_per_s").asDouble()).isPositive();
                    assertThat(report.path(phase).path("ops_per_s").asDouble()).isPositive();
                    assertThat(report.path(phase).path("latency_us").path("p999").asDouble()).isPositive();
                }

                assertThat(status(metadata + "?key=mooncake/ram/" + victimSegment)).isEqualTo(200);
                loadWhileKillingAStore(rpc, metadata, admin, victim, victimSegment, survivorSegment);
                assertThat(status(metadata + "?key=mooncake/ram/" + victimSegment))
                    .as("--enable-metadata-cleanup-on-timeout removed the dead store's descriptors").isEqualTo(404);
                assertThat(status(metadata + "?key=mooncake/rpc_meta/" + victimSegment)).isEqualTo(404);
                assertThat(status(metadata + "?key=mooncake/ram/" + survivorSegment)).isEqualTo(200);
            }
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (!master.output().contains("Mem Storage:") && System.nanoTime() < deadline)
            {
                Thread.sleep(100);
            }
            assertThat(master.output()).as("the summary line every 10 s").contains("Mem Storage:", "| Keys: ",
                "Eviction: Success/Attempts=");
        }
    }

    private static void loadWhileKillingAStore(final String rpc, final String metadata, final String admin,
        final KvtierProcess victim, final String victimSegment, final String survivorSegment) throws Exception
    {
        final int values = 160;
        final int size = 64 * 1024;
        final AtomicInteger mismatches = new AtomicInteger();
        final AtomicInteger cleanErrors = new AtomicInteger();
        final AtomicInteger goodReads = new AtomicInteger();
        final AtomicBoolean killed = new AtomicBoolean();
        try (DistributedStore client = DistributedStore.setup(StoreConfig.of(rpc, metadata, 0, 1 << 20)))
        {
            final ByteBuffer src = ByteBuffer.allocateDirect(size);
            final ByteBuffer dst = ByteBuffer.allocateDirect(size);
            final ByteBuffer expected = ByteBuffer.allocateDirect(size);
            client.registerBuffer(src);
            client.registerBuffer(dst);
            for (int i = 0; i < values; i++)
            {
                fill(src, i);
                assertThat(client.putFrom("v" + i, src)).isZero();
            }
            final List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                final int first = t;
                readers.add(new Thread(() ->
                {
                    final ByteBuffer mine = ByteBuffer.allocateDirect(size);
                    final ByteBuffer want = ByteBuffer.allocateDirect(size);
                    client.registerBuffer(mine);
                    for (int round = 0; round < 6; round++)
                    {
                        for (int i = first; i < values; i += 2)
                        {
                            mine.clear();
                            final long n = client.getInto("v" + i, mine);
                            if (n == size)
                            {
                                fill(want, i);
                                if (mine.clear().mismatch(want.clear()) != -1)
                                {
                                    mismatches.incrementAndGet();
                                }
                                goodReads.incrementAndGet();
                            }
                            else
                            {
                                cleanErrors.incrementAndGet();
                            }
                        }
                        if (round == 1 && first == 0 && killed.compareAndSet(false, true))
                        {
                            try
                            {
                                victim.kill();
                            }
                            catch (final InterruptedException e)
                            {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                }));
            }
            readers.forEach(Thread::start);
            for (final Thread t : readers)
            {
                t.join();
            }
            assertThat(killed).isTrue();
            assertThat(mismatches.get()).as("never wrong bytes").isZero();
            assertThat(cleanErrors.get()).as("reads of the dead store's values fail cleanly").isPositive();
            assertThat(goodReads.get()).isPositive();
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (get(admin + "/get_all_segments").contains(victimSegment) && System.nanoTime() < deadline)
            {
                Thread.sleep(100);
            }
            assertThat(get(admin + "/get_all_segments").trim()).as("client TTL 2 s expired the dead store")
                .isEqualTo(survivorSegment);
            int lost = 0;
            int kept = 0;
            for (int i = 0; i < values; i++)
            {
                dst.clear();
                final long n = client.getInto("v" + i, dst);
                if (n == ErrorCode.OBJECT_NOT_FOUND.code())
                {
                    lost++;
                }
                else
                {
                    assertThat(n).isEqualTo(size);
                    fill(expected, i);
                    assertThat(dst.clear().mismatch(expected.clear())).isEqualTo(-1);
                    kept++;
                }
            }
            assertThat(lost).as("values whose only replica was on the dead store are gone").isPositive();
            assertThat(kept).as("values on the survivor still read back").isPositive();
        }
    }

    @Test
    void storeRefusesBadConfigsWithTheFieldAndTheFix(@TempDir final Path dir) throws Exception
    {
        final Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"local_hostname\":\"h\",\"metadata_server\":\"P2PHANDSHAKE\","
            + "\"master_server_address\":\"127.0.0.1:1\",\"global_segmnet_size\":\"1gb\"}");
        CliRun r = CliRun.of("store", "--config", unknown.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("unknown field 'global_segmnet_size'").hasLineCount(1);

        final Path badSize = dir.resolve("size.json");
        Files.writeString(badSize, "{\"local_hostname\":\"h\",\"metadata_server\":\"P2PHANDSHAKE\","
            + "\"master_server_address\":\"127.0.0.1:1\",\"global_segment_size\":\"4 parsecs\"}");
        r = CliRun.of("store", "--config", badSize.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("global_segment_size: unknown size unit 'parsecs'");

        final Path missing = dir.resolve("missing.json");
        Files.writeString(missing, "{\"local_hostname\":\"h\",\"metadata_server\":\"P2PHANDSHAKE\"}");
        r = CliRun.of("store", "--config", missing.toString());
        assertThat(r.err()).contains("missing required field 'master_server_address'");

        final Path noMaster = dir.resolve("nomaster.json");
        Files.writeString(noMaster, "{\"local_hostname\":\"127.0.0.1\",\"metadata_server\":\"P2PHANDSHAKE\","
            + "\"master_server_address\":\"127.0.0.1:1\",\"global_segment_size\":\"1mb\"}");
        r = CliRun.of("store", "--config", noMaster.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect to master 127.0.0.1:1").hasLineCount(1);

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            r = CliRun.of("master", "--rpc-address", "127.0.0.1", "--rpc-port", Integer.toString(taken.getLocalPort()),
                "--metrics-port", "0");
            assertThat(r.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(r.err()).contains("--rpc-port " + taken.getLocalPort() + ": ")
                .contains("pick another port").hasLineCount(1);
        }

        r = CliRun.of("store-bench", "--clients", "0");
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("--clients must be >= 1");
    }

    @Test
    void hugepagesHelperKeepsTheReferenceFormulaAndExitCodes()
    {
        final String[] base = {"hugepages", "--tp-size", "2", "--hicache-size", "8gb", "--global-segment-size", "4gb",
            "--arena-pool-size", "2gb"};
        CliRun r = CliRun.of(concat(base, "--available-hugetlb", "40gb"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("status: clean_arena_budget_available", "baseline total: 24.00 GiB",
            "clean arena total: 28.00 GiB");
        r = CliRun.of(concat(base, "--available-hugetlb", "26gb"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("status: baseline_fits_arena_may_fallback");
        r = CliRun.of(concat(base, "--available-hugetlb", "20gb"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("status: insufficient_for_baseline");
        r = CliRun.of(concat(base, "--available-hugetlb", "12 zettabytes"));
        assertThat(r.exitCode()).isEqualTo(64);
        r = CliRun.of("hugepages", "--tp-size", "2");
        assertThat(r.exitCode()).as("missing required options").isEqualTo(64);
    }

    private static String[] concat(final String[] a, final String... b)
    {
        final String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
