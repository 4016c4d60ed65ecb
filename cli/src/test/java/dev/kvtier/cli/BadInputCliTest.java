package dev.kvtier.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile values in the flags of the simulation commands: each is refused before any run with exit 2 and one line
 * that names the flag or field, never ignored, never an internal error, a hang or a heap exhausted.
 */
class BadInputCliTest
{
    private static final String LINE = "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, "
        + "\"hash_ids\": [1, 2]}\n";

    static Stream<Arguments> refusals()
    {
        return Stream.of(
            // options of another mode are refused, not ignored
            refused("--write-policy: not used in hits mode; it applies to --mode hicache", "sim", "--write-policy",
                "foo"),
            refused("--l1-pages: not used in serving mode", "sim", "--cluster", "small-4", "--l1-pages", "5"),
            refused("--eviction: not used in hicache mode", "sim", "--mode", "hicache", "--eviction", "lru"),
            refused("--capacity-blocks: not used in hicache mode", "sim", "--mode", "hicache", "--capacity-blocks",
                "4"),
            refused("--mode hicache: --cluster runs the serving simulation", "sim", "--mode", "hicache",
                "--cluster", "small-4"),
            refused("--bucket-ms: only read with --spread-arrivals", "sim", "--cluster", "small-4", "--bucket-ms",
                "5"),
            // numbers out of range, not finite, or too large to hold
            refused("--l3-pages: 2147483647 is more than 1,000,000,000 pages", "sim", "--mode", "hicache",
                "--l3-pages", "2147483647"),
            refused("--synthetic-duration Infinity: workload field 'duration_seconds'", "sim",
                "--synthetic-duration", "Infinity"),
            refused("--synthetic-duration 1.0E12: at most 1,000,000 seconds", "sim", "--synthetic-duration", "1e12"),
            refused("workload field 'duration_seconds' times sessions_per_second", "generate",
                "--duration", "1e12"),
            refused("expected sessions; at most 1,000,000", "generate", "--sessions-per-second", "1e9"),
            refused("--rate-scale: must be a number in [0.000001, 1000000]", "sim", "--cluster", "small-4",
                "--rate-scale", "Infinity"),
            refused("--rate-scale: must be a number in [0.000001, 1000000]", "compare", "--cluster", "small-4",
                "--vary", "nodes=1,2", "--rate-scale", "1e-300"),
            refused("--bucket-ms: must be in [0, 86400000] ms", "sim", "--cluster", "small-4", "--spread-arrivals",
                "--bucket-ms", "-5"),
            refused("--ttft-slo-ms: must be a number of milliseconds > 0", "sim", "--cluster", "small-4",
                "--ttft-slo-ms", "-1"),
            refused("--itl-slo-ms: must be a number of milliseconds > 0, got NaN", "sim", "--cluster", "small-4",
                "--itl-slo-ms", "NaN"),
            refused("--hicache-storage-backend: 'foo' is not simulated", "sim", "--cluster", "small-4",
                "--hicache-storage-backend", "foo"),
            // cluster fields: whole numbers, within their type, finite, sections as sections
            refused("--set nodes=2.5: must be a whole number", "sim", "--cluster", "small-4", "--set", "nodes=2.5"),
            refused("--set nodes=99999999999: must be at most 2147483647", "sim", "--cluster", "small-4", "--set",
                "nodes=99999999999"),
            refused("--page-size: sets serving.page_size=99999999999: must be at most 2147483647", "sim",
                "--cluster", "small-4", "--page-size", "99999999999"),
            refused("--set nic.gbps=Infinity: expected a number", "sim", "--cluster", "small-4", "--set",
                "nic.gbps=Infinity"),
            refused("--set nodes=5d: expected a number", "sim", "--cluster", "small-4", "--set", "nodes=5d"),
            refused("--set serving=5: is a section; set one of its fields, e.g. serving.page_size=", "sim",
                "--cluster", "small-4", "--set", "serving=5"),
            refused("--vary nodes=2.5: must be a whole number", "compare", "--cluster", "small-4", "--vary",
                "nodes=1,2.5"),
            // sweeps
            refused("--vary nodes: given twice; give all its values in one --vary nodes=V1,V2", "compare",
                "--cluster", "small-4", "--vary", "nodes=1", "--vary", "nodes=2"),
            refused("'best_effort' given twice; give each value once", "compare", "--cluster", "small-4", "--vary",
                "serving.prefetch_policy=best_effort,best_effort"),
            refused("the product of the lists is more than 100000 variants", "compare", "--cluster", "small-4",
                "--vary", "nodes=1,2,3,4,5,6,7,8,9,10", "--vary", "tp=1,2,3,4,5,6,7,8,9,10", "--vary",
                "serving.page_size=16,32,64,128,256,512,1024,2048,4096,8192", "--vary",
                "nic.count=1,2,3,4,5,6,7,8,9,10", "--vary", "nic.gbps=1,2,3,4,5,6,7,8,9,10,11"),
            refused("--rounds: must be in [1, 20]", "calibrate", "--trace-dir", "no-such-recording", "--rounds",
                "1000000"),
            // the live commands' flags, refused before anything binds or connects
            refused("--rpc-port: must be in 0..65535", "master", "--port", "-1"),
            refused("--rpc-address: '192.0.2.1' does not resolve", "master", "--rpc-address", "192.0.2.1"),
            refused("eviction_high_watermark_ratio must be in [0, 1], got NaN", "master",
                "--eviction-high-watermark-ratio", "NaN"),
            refused("--metadata-max-body-bytes: must be >= 1 byte", "master", "--metadata-max-body-bytes", "0"),
            refused("--config: is a directory", "store", "--config", "."),
            refused("--compute-time-scale: compute time scale must be a number >= 0 and at most 1000000, got NaN",
                "server", "--compute-time-scale", "NaN"),
            refused("--compute-time-scale: compute time scale must be a number >= 0 and at most 1000000, got 1.0E300",
                "server", "--compute-time-scale", "1e300"),
            refused("--hicache-size: must be a number of GB >= 0", "server", "--hicache-size", "-1"),
            refused("--storage-latency-ms: must be a number of ms >= 0", "server", "--storage-latency-ms", "NaN"),
            refused("--hicache-storage-backend-extra-config: only read with --hicache-storage-backend mooncake",
                "server", "--hicache-storage-backend-extra-config", "{bad"),
            refused("--host: '[::1' does not resolve", "server", "--host", "[::1", "--port", "0"),
            refused("--worker-urls: 'http://127.0.0.1:99999' needs a host and a port in 1..65535", "router",
                "--worker-urls", "http://127.0.0.1:99999"),
            refused("--cache-threshold: must be in [0, 1]", "router", "--worker-urls", "http://127.0.0.1:1",
                "--cache-threshold", "2"),
            refused("--eviction-interval-secs: must be > 0", "router", "--worker-urls", "http://127.0.0.1:1",
                "--eviction-interval-secs", "0"),
            refused("--prometheus-port: must be in 0..65535 (0 picks a free one) or -1", "router", "--worker-urls",
                "http://127.0.0.1:1", "--prometheus-port", "70000"),
            refused("--master: master address '127.0.0.1:99999': the port must be in 1..65535", "store-bench",
                "--master", "127.0.0.1:99999"),
            refused("--metadata-server: metadata_server: 'notaurl' is not supported", "store-bench",
                "--metadata-server", "notaurl"),
            refused("--duration: must be > 0", "chaos", "--duration", "0"),
            refused("--out: an empty path; give a file path", "generate", "--out", ""),
            refused("--fit: 'nic.gbps' given twice", "calibrate", "--trace-dir", "no-such-recording", "--fit",
                "nic.gbps,nic.gbps"),
            refused("--url must be http://HOST:PORT or https://HOST:PORT (a port in 1..65535)", "bench-serving",
                "--url", "http://127.0.0.1:99999"),
            refused("--out: an empty path; give a directory", "sim", "--out", ""));
    }

    private static Arguments refused(final String message, final String... args)
    {
        return Arguments.of(String.join(" ", args), message, args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void shouldRefuseWithOneLineNamingTheFlag(final String name, final String message, final String[] args)
    {
        final String[] line = java.util.Arrays.copyOf(args, args.length + 1);
        line[args.length] = "--no-progress";
        final boolean simulation = "sim".equals(args[0]) || "compare".equals(args[0]);
        final CliRun run = CliRun.of(simulation ? line : args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message).doesNotContain("internal error", "Exception");
        assertThat(run.err().lines()).as(run.err()).hasSize(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldNameTheClusterFileAndTheFieldForEveryBadFile(@TempDir final Path dir) throws Exception
    {
        final String[][] files = {
            {"{\"nodes\": \"two\"}", "nodes=\"two\": expected a number"},
            {"{\"nodez\": 2}", "unknown field 'nodez'; did you mean 'nodes'?"},
            {"{\"serving\": 3}", "serving=3: is a section"},
            {"{\"nodes\": 2.5}", "nodes=2.5: must be a whole number"},
            {"{\"nodes\": 1e10}", "nodes=10000000000: must be at most 2147483647"},
            {"{\"nodes\": null}", "nodes=null: expected a number"},
            {"{\"nodes\": 2} trailing", "malformed JSON at line 1"},
            {"{\"nodes\": 2, \"nodes\": 3}", "Duplicate field 'nodes'"},
            {"{\"nodes\": 2", "malformed JSON at line 1: Unexpected end-of-input"},
            {"{\"name\": {}}", "name={}: expected a string"},
        };
        for (final String[] f : files)
        {
            final Path file = Files.writeString(dir.resolve("cluster.json"), f[0]);
            final CliRun run = CliRun.of("sim", "--cluster", file.toString(), "--no-progress");
            assertThat(run.exitCode()).as(f[0] + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(f[0]).contains("--cluster " + file, f[1]).doesNotContain("Source: REDACTED",
                "Cannot deserialize", "`");
            assertThat(run.err().lines()).as(f[0]).hasSize(1);
        }
    }

    @Test
    void shouldSayAModelConfigIsNotJson(@TempDir final Path dir) throws Exception
    {
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": ");
        final CliRun run = CliRun.of("sim", "--cluster", "small-4", "--model-path", dir.toString(), "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--model-path", "config.json: not JSON at line 1").doesNotContain("I/O error");
        assertThat(run.err().lines()).hasSize(1);

        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 4096, \"num_attention_heads\": 32, "
            + "\"num_hidden_layers\": 2, \"num_key_value_heads\": 0}");
        final CliRun zero = CliRun.of("sim", "--cluster", "small-4", "--model-path", dir.toString(), "--no-progress");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("field 'num_key_value_heads' is 0; it must be >= 1");
    }

    @Test
    void shouldReadAGzipCompressedTraceAndNameACutOne(@TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes))
        {
            gz.write(LINE.repeat(3).getBytes(StandardCharsets.UTF_8));
        }
        final Path plain = Files.writeString(dir.resolve("t.jsonl"), LINE.repeat(3));
        final Path gzip = Files.write(dir.resolve("t.jsonl.gz"), bytes.toByteArray());
        final CliRun a = CliRun.of("sim", "--trace", plain.toString(), "--capacity-blocks", "1", "--json",
            "--no-progress");
        final CliRun b = CliRun.of("sim", "--trace", gzip.toString(), "--capacity-blocks", "1", "--json",
            "--no-progress");
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).isEqualTo(a.out().replace("t.jsonl", "t.jsonl.gz"));

        final byte[] whole = bytes.toByteArray();
        final Path cut = Files.write(dir.resolve("cut.jsonl.gz"), java.util.Arrays.copyOf(whole, whole.length - 12));
        final CliRun c = CliRun.of("sim", "--trace", cut.toString(), "--capacity-blocks", "1", "--no-progress");
        assertThat(c.exitCode()).isEqualTo(2);
        assertThat(c.err()).contains("cut.jsonl.gz:", "the gzip stream is cut short or corrupt");
        assertThat(c.err().lines()).hasSize(1);
    }

    @Test
    void shouldRefuseAFieldGivenTwiceOnATraceLine(@TempDir final Path dir) throws Exception
    {
        final Path t = Files.writeString(dir.resolve("t.jsonl"), "{\"timestamp\": 0, \"timestamp\": 5, "
            + "\"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2]}\n");
        final CliRun run = CliRun.of("sim", "--trace", t.toString(), "--no-progress");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("t.jsonl:1: field 'timestamp': given twice on the line");
    }

    @Test
    void shouldNameTheStoreConfigsBadMasterAddressAndJson(@TempDir final Path dir) throws Exception
    {
        final Path port = Files.writeString(dir.resolve("store.json"), "{\"local_hostname\": \"127.0.0.1\", "
            + "\"metadata_server\": \"P2PHANDSHAKE\", \"master_server_address\": \"127.0.0.1:99999\", "
            + "\"global_segment_size\": \"1mb\"}");
        final CliRun run = CliRun.of("store", "--config", port.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("master_server_address", "the port must be in 1..65535");
        final Path bad = Files.writeString(dir.resolve("bad.json"), "{\"local_hostname\": ");
        final CliRun json = CliRun.of("store", "--config", bad.toString());
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.err()).contains("bad.json: not valid JSON at line 1").doesNotContain("REDACTED");
    }

    @Test
    void shouldRefuseAHugePageSizeThatIsNoneWithoutACrash()
    {
        final CliRun run = CliRun.of("hugepages", "--global-segment-size", "1gb", "--hicache-size", "1gb",
            "--tp-size", "1", "--hugepage-size", "3mb");
        assertThat(run.exitCode()).isEqualTo(HugepagesCommand.EXIT_USAGE);
        assertThat(run.err()).contains("--hugepage-size: 3mb is not a huge page size").doesNotContain("internal");
    }

    @Test
    void shouldImportNothingFromAnEmptyOrBadTraceAndSayWhatADirectoryIsNot(@TempDir final Path dir) throws Exception
    {
        final Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        final CliRun none = CliRun.of("trace", "import", "--in", empty.toString(), "--trace-dir",
            dir.resolve("rec").toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--in: '" + empty + "' holds no requests");
        final Path cut = Files.writeString(dir.resolve("cut.jsonl"), LINE + "{\"timestamp\": 1, \"inp");
        final CliRun bad = CliRun.of("trace", "import", "--in", cut.toString(), "--trace-dir",
            dir.resolve("rec").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("cut.jsonl:2: not valid JSON");
        assertThat(dir.resolve("rec")).as("no half recording left behind").doesNotExist();
        try (var siblings = Files.list(dir))
        {
            assertThat(siblings.map(p -> p.getFileName().toString())).as("nor its scratch directory")
                .noneMatch(name -> name.startsWith(".rec.import-"));
        }

        final Path plain = Files.createDirectory(dir.resolve("plain"));
        final CliRun stats = CliRun.of("trace", "stats", "--trace-dir", plain.toString());
        assertThat(stats.exitCode()).isEqualTo(2);
        assertThat(stats.err()).contains("a directory with no .cq4 files, not a recorded trace")
            .doesNotContain("no such file");
    }

    @Test
    void shouldTakeLimitInHicacheModeAsTheReadmeSays()
    {
        final CliRun run = CliRun.of("sim", "--mode", "hicache", "--synthetic-duration", "60", "--limit", "20",
            "--write-policy", "write_back", "--json", "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"requests\" : 20");
    }
}
