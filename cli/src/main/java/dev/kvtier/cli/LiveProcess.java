package dev.kvtier.cli;

import java.util.concurrent.CountDownLatch;

/** How the long-running commands (master, store) live: until SIGTERM/SIGINT, then close cleanly and exit 0. */
final class LiveProcess
{
    interface Closer
    {
        void close() throws Exception;
    }

    private LiveProcess()
    {
    }

    static int runUntilStopped(final Closer closer) throws InterruptedException
    {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                closer.close();
            }
            catch (final Exception e)
            {
                System.err.println("kvtier: error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "kvtier-shutdown"));
        stopped.await();
        return 0;
    }
}
