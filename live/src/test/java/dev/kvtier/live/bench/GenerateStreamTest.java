package dev.kvtier.live.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSE arithmetic on a clock the test sets line by line, so TTFT and ITL are checked exactly. */
class GenerateStreamTest
{
    private static final String META = "\"meta_info\": {\"id\": \"r1\", \"finish_reason\": {\"type\": \"length\"}, "
        + "\"prompt_tokens\": 100, \"completion_tokens\": 3, \"cached_tokens\": 64, \"cached_tokens_details\": "
        + "{\"device\": 32, \"host\": 16, \"storage\": 16}, \"e2e_latency\": 0.5}";

    private final AtomicLong clock = new AtomicLong(1_000);
    private final GenerateStream stream = new GenerateStream(1_000, clock::get);

    @Test
    void shouldTimeTheFirstChunkWithOutputAndTheGapsBetweenLaterOnes()
    {
        line(1_500, "data: {\"text\": \"\", \"output_ids\": [], \"meta_info\": {}}");
        line(1_600, "");
        line(5_000, "data: {\"text\": \"a\", \"output_ids\": [7]}");
        line(5_100, "");
        line(5_700, "data: {\"text\": \"ab\", \"output_ids\": [7, 8]}");
        line(7_000, "data: {\"text\": \"abc\", \"output_ids\": [7, 8, 9], " + META + "}");
        line(7_400, "data: [DONE]");
        clock.set(9_000);
        stream.onComplete();

        final GenerateOutcome o = stream.finish();

        assertThat(o.ok()).isTrue();
        assertThat(o.ttftNs()).isEqualTo(4_000);
        assertThat(o.itlNs()).containsExactly(700, 1_300);
        assertThat(o.e2eNs()).isEqualTo(6_400);
        assertThat(o.outputIds()).containsExactly(7, 8, 9);
        assertThat(o.promptTokens()).isEqualTo(100);
        assertThat(o.completionTokens()).isEqualTo(3);
        assertThat(o.cachedTokens()).isEqualTo(64);
        assertThat(new int[] {o.cachedDevice(), o.cachedHost(), o.cachedStorage()}).containsExactly(32, 16, 16);
    }

    @Test
    void shouldCountATokenThatDecodesToNoTextAsOutput()
    {
        line(2_000, "data: {\"text\": \"\", \"output_ids\": [5], " + META + "}");
        line(2_500, "data: [DONE]");
        stream.onComplete();

        assertThat(stream.finish().ttftNs()).isEqualTo(1_000);
    }

    @Test
    void shouldFailAStreamThatEndsWithoutDone()
    {
        line(2_000, "data: {\"text\": \"a\", \"output_ids\": [5], " + META + "}");
        stream.onComplete();

        assertThat(stream.finish().error()).contains("without data: [DONE]");
    }

    @Test
    void shouldFailAChunkThatIsNotJsonAndAWorkerError()
    {
        line(2_000, "data: {not json");
        line(2_100, "data: {\"text\": \"a\", \"output_ids\": [5], " + META + "}");
        line(2_200, "data: [DONE]");
        stream.onComplete();
        assertThat(stream.finish().error()).startsWith("malformed chunk");

        final GenerateStream errored = new GenerateStream(0, clock::get);
        errored.onNext("data: {\"error\": {\"message\": \"out of memory\"}}");
        errored.onNext("data: [DONE]");
        errored.onComplete();
        assertThat(errored.finish().error()).startsWith("worker error").contains("out of memory");
    }

    @Test
    void shouldFailAStreamWithoutMetaInfo()
    {
        line(2_000, "data: {\"text\": \"a\", \"output_ids\": [5]}");
        line(2_200, "data: [DONE]");
        stream.onComplete();

        assertThat(stream.finish().error()).contains("meta_info");
    }

    private void line(final long atNs, final String text)
    {
        clock.set(atNs);
        stream.onNext(text);
    }
}
