package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvtier bench-serving} end to end against a loopback server that streams SGLang-shaped answers (and has no
 * {@code /metrics}, as a router on its serving port): the JSON on stdout and in {@code report.json}, the CSV, the
 * PNG, and the exit codes.
 */
class BenchServingCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG_MAGIC = {(byte)0x89, 'P', 'N', 'G'};

    private HttpServer server;
    private ExecutorService executor;
    private String url;

    @BeforeEach
    void start() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.createContext("/generate", BenchServingCommandTest::generate);
        server.createContext("/metrics", exchange ->
        {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop()
    {
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void shouldPrintTheReportAndWriteItWithTheCsvAndTheTtftCdf(@TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("run");
        final CliRun run = CliRun.of("bench-serving", "--url", url, "--num-clients", "2", "--num-rounds", "2",
            "--request-length", "32", "--output-length", "4", "--request-rate", "1000000", "--max-parallel", "2",
            "--out", out.toString(), "--no-progress");

        assertThat(run.exitCode()).as(run.err()).isZero();
        final JsonNode json = JSON.readTree(run.out());
        assertThat(json.fieldNames()).toIterable().containsExactly("requests", "errors", "kv_mismatches", "ttft_ms",
            "itl_ms", "e2e_ms", "throughput", "cached_tokens_ratio", "cached_tokens_by_tier", "prefetch");
        assertThat(json.get("requests").asInt()).isEqualTo(4);
        assertThat(json.get("errors").asInt()).isZero();
        assertThat(json.get("kv_mismatches").asInt()).isZero();
        assertThat(json.get("cached_tokens_by_tier").get("storage").asDouble()).isEqualTo(0.5);
        assertThat(json.get("prefetch").get("completed").asInt()).isZero();
        assertThat(JSON.readTree(out.resolve("report.json").toFile())).isEqualTo(json);

        final List<String> csv = Files.readAllLines(out.resolve("requests.csv"));
        assertThat(csv).hasSize(5);
        assertThat(csv.get(0)).startsWith("id,client,round,trace_index,send_ms,ttft_ms,e2e_ms,prompt_tokens");
        assertThat(csv.subList(1, 5)).extracting(line -> line.split(",", -1)[2]).containsExactly("0", "0", "1", "1");
        assertThat(csv.subList(1, 5)).extracting(line -> line.split(",", -1)[7])
            .containsExactlyInAnyOrder("32", "32", "68", "68");
        assertThat(Arrays.copyOf(Files.readAllBytes(out.resolve("ttft_cdf.png")), 4)).isEqualTo(PNG_MAGIC);
    }

    @Test
    void shouldReplayATraceAndExitOneWhenRequestsFailed(@TempDir final Path dir) throws Exception
    {
        final Path trace = dir.resolve("t.jsonl");
        Files.writeString(trace, "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 2, "
            + "\"hash_ids\": [1, 2]}\n{\"timestamp\": 5, \"input_length\": 100, \"output_length\": 13, "
            + "\"hash_ids\": [3]}\n{\"timestamp\": 9, \"input_length\": 100, \"output_length\": 1, "
            + "\"hash_ids\": [4]}\n");

        final CliRun run = CliRun.of("bench-serving", "--url", url, "--trace", trace.toString(), "--limit", "2",
            "--rate-scale", "100", "--no-progress");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        final JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("requests").asInt()).isEqualTo(2);
        assertThat(json.get("errors").asInt()).isEqualTo(1);
    }

    @Test
    void shouldRefuseBadFlagsAndAnUnreachableUrlInOneLineWithExitTwo() throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0))
        {
            port = s.getLocalPort();
        }
        final CliRun unreachable = CliRun.of("bench-serving", "--url", "http://127.0.0.1:" + port, "--no-progress");
        assertThat(unreachable.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unreachable.err().strip()).doesNotContain("\n").contains("--url: cannot reach");

        final CliRun badFlag = CliRun.of("bench-serving", "--url", url, "--max-parallel", "0");
        assertThat(badFlag.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(badFlag.err()).contains("--max-parallel must be >= 1");

        final CliRun mixed = CliRun.of("bench-serving", "--url", url, "--limit", "3");
        assertThat(mixed.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(mixed.err()).contains("--limit: applies to a trace replay");
    }

    /** SSE in SGLang's shape; half the prompt cached in storage; {@code max_new_tokens} 13 answers 500. */
    private static void generate(final HttpExchange exchange) throws IOException
    {
        final JsonNode body = JSON.readTree(exchange.getRequestBody());
        final int prompt = body.get("input_ids").size();
        final int n = body.get("sampling_params").get("max_new_tokens").asInt();
        if (n == 13)
        {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody())
        {
            final StringBuilder ids = new StringBuilder();
            for (int k = 1; k <= n; k++)
            {
                ids.append(k == 1 ? "" : ",").append(k);
                final String meta = "{\"id\": \"x\", \"prompt_tokens\": " + prompt + ", \"completion_tokens\": " + k
                    + ", \"cached_tokens\": " + prompt / 2 + ", \"cached_tokens_details\": {\"device\": 0, "
                    + "\"host\": 0, \"storage\": " + prompt / 2 + "}, \"finish_reason\": {\"type\": \"length\"}}";
                out.write(("data: {\"text\": \"" + "w".repeat(k) + "\", \"output_ids\": [" + ids + "], "
                    + "\"meta_info\": " + meta + "}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }
}
