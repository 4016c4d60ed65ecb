package dev.kvtier.live.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;

/**
 * Reads one streamed {@code /generate} response line by line as its SSE chunks arrive and times them the way
 * {@code bench_multiturn} does: TTFT at the first chunk carrying output (non-empty {@code text}, or non-empty
 * {@code output_ids} for a worker whose tokenizer decodes a token to nothing), ITL as the gaps between later
 * chunks carrying output. Chunks are cumulative, so the last one holds the answer's ids and the final
 * {@code meta_info}. A stream is well formed only if it ends with {@code data: [DONE]} after a chunk with
 * {@code meta_info}; a worker's {@code {"error": …}} chunk or a chunk that is not JSON makes the call an error.
 * The client calls {@link #onNext} in order from one thread at a time, and {@link #finish} after the body ends.
 */
final class GenerateStream implements Flow.Subscriber<String>
{
    private static final String DATA = "data:";

    private final long startNs;
    private final LongSupplier clock;
    private long firstNs = -1;
    private long lastNs;
    private long endNs = -1;
    private long[] gaps = new long[64];
    private int gapCount;
    private JsonNode lastChunk;
    private boolean done;
    private String error;

    /**
     * @param startNs when the request was sent, on {@code clock}
     * @param clock   nanosecond time ({@code System::nanoTime}; a test's own clock to check the arithmetic)
     */
    GenerateStream(final long startNs, final LongSupplier clock)
    {
        this.startNs = startNs;
        this.clock = clock;
    }

    @Override
    public void onSubscribe(final Flow.Subscription subscription)
    {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(final String line)
    {
        final long now = clock.getAsLong();
        if (!line.startsWith(DATA) || done)
        {
            return; // blank separators, comments, event names, anything after [DONE]
        }
        final String payload = line.substring(DATA.length()).strip();
        if (payload.equals("[DONE]"))
        {
            done = true;
            endNs = now;
            return;
        }
        final JsonNode chunk;
        try
        {
            chunk = GenerateCall.JSON.readTree(payload);
        }
        catch (final IOException e)
        {
            fail("malformed chunk: " + GenerateCall.oneLine(payload));
            return;
        }
        if (chunk.has("error"))
        {
            fail("worker error: " + GenerateCall.oneLine(chunk.get("error").toString()));
            return;
        }
        if (!chunk.path("text").asText("").isEmpty() || chunk.path("output_ids").size() > 0)
        {
            if (firstNs < 0)
            {
                firstNs = now;
            }
            else
            {
                addGap(now - lastNs);
            }
            lastNs = now;
        }
        lastChunk = chunk;
    }

    @Override
    public void onError(final Throwable throwable)
    {
        // the response future fails with the same exception and GenerateCall reports it
    }

    @Override
    public void onComplete()
    {
        if (endNs < 0)
        {
            endNs = clock.getAsLong();
        }
    }

    /** The outcome once the body has ended. */
    GenerateOutcome finish()
    {
        final long e2e = (endNs < 0 ? clock.getAsLong() : endNs) - startNs;
        if (error != null)
        {
            return GenerateOutcome.failed(e2e, error);
        }
        if (!done)
        {
            return GenerateOutcome.failed(e2e, "malformed stream: it ended without data: [DONE]");
        }
        if (lastChunk == null || !lastChunk.has("meta_info"))
        {
            return GenerateOutcome.failed(e2e, "malformed stream: no chunk carried meta_info");
        }
        return MetaInfo.of(lastChunk.get("meta_info")).outcome(firstNs < 0 ? e2e : firstNs - startNs, e2e,
            Arrays.copyOf(gaps, gapCount), GenerateCall.ids(lastChunk.path("output_ids")));
    }

    private void fail(final String reason)
    {
        if (error == null)
        {
            error = reason;
        }
    }

    private void addGap(final long gapNs)
    {
        if (gapCount == gaps.length)
        {
            gaps = Arrays.copyOf(gaps, gapCount * 2);
        }
        gaps[gapCount++] = gapNs;
    }
}
