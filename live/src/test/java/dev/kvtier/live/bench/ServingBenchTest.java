package dev.kvtier.live.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvtier.workloads.multiturn.MultiTurnConfig;
import dev.kvtier.workloads.multiturn.MultiTurnWorkload;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark against a loopback server that answers as an SGLang worker does, and misbehaves on cue. */
class ServingBenchTest
{
    private FakeSglangWorker worker;

    @BeforeEach
    void start() throws Exception
    {
        worker = new FakeSglangWorker();
    }

    @AfterEach
    void stop()
    {
        worker.close();
    }

    @Test
    void shouldResendEachConversationsHistoryWithItsAnswersAndReportTheWorkersCounts() throws Exception
    {
        final MultiTurnConfig config = new MultiTurnConfig(3, 3, 16, 4, 1);
        final AtomicLong progress = new AtomicLong();

        final ServingBenchReport report = ServingBench.run(new ServingBench.Options(worker.url(), 2, true, true),
            new MultiTurnLoad(config, 1e9, ReadyOrder.RANDOM), progress::addAndGet);

        final MultiTurnWorkload workload = new MultiTurnWorkload(config);
        final List<String> expected = new ArrayList<>();
        for (int c = 0; c < 3; c++)
        {
            int[] prompt = workload.question(c, 0);
            expected.add(Arrays.toString(prompt));
            for (int r = 1; r < 3; r++)
            {
                prompt = concat(prompt, FakeSglangWorker.answer(prompt.length, 4), workload.question(c, r));
                expected.add(Arrays.toString(prompt));
            }
        }
        assertThat(worker.received()).allMatch(r -> r.stream() && r.maxNewTokens() == 4);
        assertThat(worker.received().stream().map(r -> Arrays.toString(r.inputIds())))
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(worker.flushes()).isEqualTo(1);
        assertThat(progress).hasValue(9);

        final JsonNode json = report.toJson();
        assertThat(json.get("requests").asLong()).isEqualTo(9);
        assertThat(json.get("errors").asLong()).isZero();
        assertThat(json.get("kv_mismatches").asLong()).isEqualTo(1);
        assertThat(json.get("cached_tokens_ratio").asDouble()).isEqualTo(0.75);
        assertThat(json.get("cached_tokens_by_tier").get("device").asDouble()).isEqualTo(0.5);
        assertThat(json.get("cached_tokens_by_tier").get("host").asDouble()).isEqualTo(0.25);
        assertThat(json.get("cached_tokens_by_tier").get("storage").asDouble()).isZero();
        assertThat(json.get("prefetch").get("completed").asLong()).isEqualTo(9);
        assertThat(json.get("prefetch").get("partial").asLong()).isZero();
        assertThat(json.get("prefetch").get("timed_out").asLong()).isEqualTo(18);
        assertThat(json.get("ttft_ms").get("p50").asDouble()).isPositive();
        assertThat(json.get("ttft_ms").get("p99").asDouble())
            .isLessThanOrEqualTo(json.get("e2e_ms").get("p99").asDouble());
        assertThat(json.get("itl_ms").get("mean").asDouble()).isPositive();
        assertThat(json.get("throughput").get("output_tokens_per_s").asDouble()).isPositive();
    }

    @Test
    void shouldReportTheSameJsonKeysAsDocumented() throws Exception
    {
        final ServingBenchReport report = ServingBench.run(new ServingBench.Options(worker.url(), 4, true, false),
            new MultiTurnLoad(new MultiTurnConfig(1, 1, 8, 2, 1), 1e9, ReadyOrder.FIFO), new AtomicLong()::addAndGet);

        final JsonNode json = report.toJson();
        assertThat(json.fieldNames()).toIterable().containsExactly("requests", "errors", "kv_mismatches", "ttft_ms",
            "itl_ms", "e2e_ms", "throughput", "cached_tokens_ratio", "cached_tokens_by_tier", "prefetch");
        for (final String latency : List.of("ttft_ms", "itl_ms", "e2e_ms"))
        {
            assertThat(json.get(latency).fieldNames()).toIterable().containsExactly("p50", "p90", "p99", "mean");
        }
        assertThat(json.get("throughput").fieldNames()).toIterable()
            .containsExactly("requests_per_s", "output_tokens_per_s");
        assertThat(json.get("cached_tokens_by_tier").fieldNames()).toIterable()
            .containsExactly("device", "host", "storage");
        assertThat(json.get("prefetch").fieldNames()).toIterable().containsExactly("completed", "partial", "timed_out");
    }

    @Test
    void shouldSendToSeveralUrlsInTurnInTraceOrderAndSumTheirCounters() throws Exception
    {
        try (FakeSglangWorker second = new FakeSglangWorker())
        {
            final List<TraceRecord> trace = IntStream.range(0, 6)
                .mapToObj(i -> new TraceRecord(0, 100 + i, 1, new long[] {i})).toList();

            final ServingBenchReport report = ServingBench.run(new ServingBench.Options(
                List.of(worker.url(), second.url()), 8, true, true), new TraceLoad(trace, 1000),
                new AtomicLong()::addAndGet);

            assertThat(worker.received()).extracting(r -> r.inputIds().length)
                .containsExactlyInAnyOrder(100, 102, 104);
            assertThat(second.received()).extracting(r -> r.inputIds().length)
                .containsExactlyInAnyOrder(101, 103, 105);
            assertThat(worker.flushes()).isEqualTo(1);
            assertThat(second.flushes()).isEqualTo(1);
            assertThat(report.errors()).isZero();
            assertThat(report.toJson().get("kv_mismatches").asLong()).isEqualTo(2);
        }
    }

    @Test
    void shouldCountA500ADroppedConnectionAndAMalformedBodyAsErrorsAndFinishTheRun() throws Exception
    {
        final List<TraceRecord> trace = List.of(
            new TraceRecord(0, 600, 2, new long[] {1, 2}),
            new TraceRecord(0, 512, FakeSglangWorker.HTTP_500, new long[] {3}),
            new TraceRecord(1, 100, FakeSglangWorker.DROP, new long[] {4}),
            new TraceRecord(1, 100, FakeSglangWorker.MALFORMED, new long[] {5}),
            new TraceRecord(2, 300, 0, new long[] {6}));
        final AtomicLong progress = new AtomicLong();

        final ServingBenchReport report = ServingBench.run(new ServingBench.Options(worker.url(), 2, true, false),
            new TraceLoad(trace, 1000), progress::addAndGet);

        assertThat(report.requests()).isEqualTo(5);
        assertThat(report.errors()).isEqualTo(3);
        assertThat(progress).hasValue(5);
        assertThat(worker.received()).extracting(FakeSglangWorker.Received::maxNewTokens)
            .containsExactlyInAnyOrder(2, 7, 9, 11, 1);
        final StringWriter csv = new StringWriter();
        report.writeCsv(csv);
        final String[] lines = csv.toString().split("\n");
        assertThat(lines).hasSize(6);
        assertThat(lines[0]).isEqualTo("id,client,round,trace_index,send_ms,ttft_ms,e2e_ms,prompt_tokens,"
            + "completion_tokens,cached_tokens,cached_device,cached_host,cached_storage,error");
        assertThat(lines[1]).startsWith("0,,,0,").contains(",600,2,450,300,150,0,").endsWith(",");
        assertThat(lines[2]).startsWith("1,,,1,").contains("\"HTTP 500: {\"\"error\"\": \"\"boom\"\"}\"");
        assertThat(lines[3]).startsWith("2,,,2,").containsPattern(",\"[A-Za-z]*(IO|EOF)[A-Za-z]*Exception");
        assertThat(lines[4]).startsWith("3,,,3,").contains("\"malformed response: <html>not json</html>\"");
        assertThat(lines[5]).startsWith("4,,,4,").contains(",300,1,");
        assertThat(report.toJson().get("requests").asLong()).isEqualTo(5);
        assertThat(report.ttftSeconds()).hasSize(2);
    }

    @Test
    void shouldTakeTtftAtTheFirstChunkWithTextAndAnItlPerLaterChunk() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        final URI generate = URI.create(worker.url() + "/generate");
        final BenchRequest request = new BenchRequest(0, 0, 0, -1, IntStream.range(0, 40).toArray(), 5);

        final GenerateOutcome streamed = GenerateCall.send(http, generate, request, true).get();
        final GenerateOutcome whole = GenerateCall.send(http, generate, request, false).get();

        assertThat(streamed.error()).isNull();
        assertThat(streamed.itlNs()).hasSize(4);
        assertThat(Arrays.stream(streamed.itlNs()).min().orElseThrow()).isNotNegative();
        assertThat(streamed.ttftNs()).isPositive().isLessThanOrEqualTo(streamed.e2eNs());
        assertThat(streamed.outputIds()).containsExactly(FakeSglangWorker.answer(40, 5));
        assertThat(streamed.completionTokens()).isEqualTo(5);
        assertThat(whole.error()).isNull();
        assertThat(whole.itlNs()).isEmpty();
        assertThat(whole.ttftNs()).isEqualTo(whole.e2eNs());
        assertThat(whole.outputIds()).containsExactly(streamed.outputIds());
        assertThat(worker.received()).extracting(FakeSglangWorker.Received::stream).containsExactly(true, false);
    }

    @Test
    void shouldRefuseAUrlNothingListensOnBeforeSendingAnything() throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0))
        {
            port = s.getLocalPort();
        }
        final ServingBench.Options options = new ServingBench.Options(URI.create("http://127.0.0.1:" + port), 1,
            true, false);

        assertThatThrownBy(() -> ServingBench.run(options, new MultiTurnLoad(new MultiTurnConfig(1, 1, 8, 2, 1), 1,
            ReadyOrder.FIFO), new AtomicLong()::addAndGet)).isInstanceOf(ServerUnreachableException.class)
            .hasMessageContaining("cannot reach http://127.0.0.1:" + port);
    }

    private static int[] concat(final int[]... parts)
    {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
