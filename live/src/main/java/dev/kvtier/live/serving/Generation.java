package dev.kvtier.live.serving;

import dev.kvtier.model.engine.RequestRecord;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request in flight between an HTTP exchange and the worker node: what was asked (prompt, the output the
 * synthetic model gives, why it stops) and the worker's progress, handed from the node's thread to the thread
 * answering the exchange through a queue, so the node never waits on a client's socket.
 *
 * @param promptTokens the prompt's token ids
 * @param output       the output token ids the request will produce (already cut at a stop string)
 * @param stopMatched  the stop string that ended the output, or null when it runs to {@code max_new_tokens}
 */
record Generation(long id, String rid, int[] promptTokens, int[] output, String stopMatched, long arrivalNs,
    BlockingQueue<Object> events)
{
    Generation(final long id, final String rid, final int[] promptTokens, final int[] output, final String stopMatched,
        final long arrivalNs)
    {
        this(id, rid, promptTokens, output, stopMatched, arrivalNs, new LinkedBlockingQueue<>());
    }

    /** The worker has made {@code generated} tokens (node thread). */
    void progress(final int generated)
    {
        events.add(generated);
    }

    /** The worker finished the request (node thread). */
    void finish(final RequestRecord record)
    {
        events.add(record);
    }

    /** The runtime gave up on the request (the worker stopped). */
    void fail(final String reason)
    {
        events.add(new Failure(reason));
    }

    /** The next event: an Integer (tokens made so far), the final {@link RequestRecord}, or a {@link Failure}. */
    Object next(final long timeoutMs) throws InterruptedException
    {
        final Object e = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
        return e != null ? e : new Failure("no answer from the worker in " + timeoutMs + " ms");
    }

    /** Why a request ended without a record. */
    record Failure(String reason)
    {
    }
}
