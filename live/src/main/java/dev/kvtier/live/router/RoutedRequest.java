package dev.kvtier.live.router;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client request waiting for the router node's decision: the node's thread puts the chosen worker's index (or
 * -1 when no worker is healthy) into the queue, and the exchange's thread, which forwards, takes it, so the node
 * never waits on a socket.
 */
final class RoutedRequest
{
    private final BlockingQueue<Integer> decision = new LinkedBlockingQueue<>();

    void decided(final int worker)
    {
        decision.add(worker);
    }

    /** The worker index, -1 for none, or -2 if the node did not decide in time. */
    int await(final long timeoutMs) throws InterruptedException
    {
        final Integer w = decision.poll(timeoutMs, TimeUnit.MILLISECONDS);
        return w == null ? -2 : w;
    }
}
