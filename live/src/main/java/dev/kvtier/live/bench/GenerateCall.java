package dev.kvtier.live.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One SGLang {@code POST /generate} on the JDK's asynchronous HTTP client: the request as {@code input_ids} with
 * greedy sampling and {@code ignore_eos} (so every answer is exactly {@code max_new_tokens} long, as
 * {@code bench_multiturn} asks), the response read as SSE chunks when the worker streams and as one JSON object
 * otherwise (chosen by its content type). Every way a call can go wrong — a status other than 200, a refused or
 * dropped connection, a body that is not the documented shape — becomes a failed {@link GenerateOutcome}, never an
 * exception, so one bad request cannot stop a run.
 */
final class GenerateCall
{
    /** Shared, thread-safe once configured; readers only. */
    static final ObjectMapper JSON = new ObjectMapper();

    private static final int REASON_CHARS = 200;

    private GenerateCall()
    {
    }

    static CompletableFuture<GenerateOutcome> send(final HttpClient http, final URI generate,
        final BenchRequest request, final boolean stream)
    {
        final HttpRequest post = HttpRequest.newBuilder(generate).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(request, stream))).build();
        final long start = System.nanoTime();
        return http.sendAsync(post, info -> subscriber(info, start, stream))
            .handle((response, failure) -> failure == null ? response.body()
                : GenerateOutcome.failed(System.nanoTime() - start, describe(failure)));
    }

    /**
     * Loads and initialises the JSON writer and the chunk reader, a third of a second on a fresh JVM, so that a run
     * does it before its clock starts rather than sending its first request that late.
     */
    static void prepare()
    {
        body(new BenchRequest(0, 0, 0, -1, new int[] {1}, 1), true);
        new GenerateStream(0, System::nanoTime).onNext("data: {\"text\": \"\", \"output_ids\": [1]}");
    }

    /** The request body: {@code input_ids}, {@code sampling_params} and {@code stream}. */
    static byte[] body(final BenchRequest request, final boolean stream)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 + request.inputIds().length * 7);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out))
        {
            g.writeStartObject();
            g.writeArrayFieldStart("input_ids");
            for (final int id : request.inputIds())
            {
                g.writeNumber(id);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("sampling_params");
            g.writeNumberField("max_new_tokens", request.maxNewTokens());
            g.writeNumberField("temperature", 0);
            g.writeBooleanField("ignore_eos", true);
            g.writeEndObject();
            g.writeBooleanField("stream", stream);
            g.writeEndObject();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BodySubscriber<GenerateOutcome> subscriber(final HttpResponse.ResponseInfo info,
        final long start, final boolean stream)
    {
        if (info.statusCode() != 200)
        {
            return BodySubscribers.mapping(BodySubscribers.ofString(StandardCharsets.UTF_8),
                body -> GenerateOutcome.failed(System.nanoTime() - start,
                    "HTTP " + info.statusCode() + (body.isBlank() ? "" : ": " + oneLine(body))));
        }
        final String type = info.headers().firstValue("Content-Type").orElse("");
        if (type.contains("event-stream") || stream && !type.contains("json"))
        {
            return BodySubscribers.fromLineSubscriber(new GenerateStream(start, System::nanoTime),
                GenerateStream::finish, StandardCharsets.UTF_8, null);
        }
        return BodySubscribers.mapping(BodySubscribers.ofByteArray(), body -> whole(body, start));
    }

    private static GenerateOutcome whole(final byte[] body, final long start)
    {
        final long e2e = System.nanoTime() - start;
        final JsonNode root;
        try
        {
            root = JSON.readTree(body);
        }
        catch (final IOException e)
        {
            return GenerateOutcome.failed(e2e, "malformed response: "
                + oneLine(new String(body, StandardCharsets.UTF_8)));
        }
        if (root == null || !root.has("meta_info"))
        {
            return GenerateOutcome.failed(e2e, "malformed response: no meta_info");
        }
        return MetaInfo.of(root.get("meta_info")).outcome(e2e, e2e, new long[0], ids(root.path("output_ids")));
    }

    /** A JSON array of token ids; anything else reads as no ids. */
    static int[] ids(final JsonNode array)
    {
        final int[] ids = new int[array.isArray() ? array.size() : 0];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }

    /** {@code text} on one line and short enough for a CSV cell. */
    static String oneLine(final String text)
    {
        final String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= REASON_CHARS ? flat : flat.substring(0, REASON_CHARS) + "...";
    }

    private static String describe(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        final String message = cause.getMessage();
        return oneLine(cause.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }
}
