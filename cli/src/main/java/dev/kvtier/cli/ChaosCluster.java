package dev.kvtier.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The cluster a chaos run attacks, as real processes on loopback: {@code kvtier master} (embedded metadata
 * service) and {@code stores} {@code kvtier store} services, every port picked free once and kept, so that a
 * killed process restarts where its peers expect it (a store under its old segment name, the master on its RPC,
 * metadata and admin ports). Logs go to {@code dir}.
 */
final class ChaosCluster implements AutoCloseable
{
    private static final long READY_MS = 60_000;

    private final Path dir;
    private final int rpcPort;
    private final int metadataPort;
    private final int adminPort;
    private final int[] dataPorts;
    private final long segmentBytes;
    private ChildProcess master;
    private final ChildProcess[] stores;
    /** Stops the processes if this JVM is ended (SIGTERM, a CI timeout) before {@link #close()} runs. */
    private final Thread reaper = new Thread(this::closeAtExit, "kvtier-chaos-reaper");

    ChaosCluster(final Path dir, final int storeCount, final long segmentBytes) throws IOException
    {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        rpcPort = freePort();
        metadataPort = freePort();
        adminPort = freePort();
        dataPorts = new int[storeCount];
        for (int i = 0; i < storeCount; i++)
        {
            dataPorts[i] = freePort();
        }
        stores = new ChildProcess[storeCount];
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    String rpc()
    {
        return "127.0.0.1:" + rpcPort;
    }

    String metadata()
    {
        return "http://127.0.0.1:" + metadataPort + "/metadata";
    }

    int rpcPort()
    {
        return rpcPort;
    }

    int metadataPort()
    {
        return metadataPort;
    }

    int dataPort(final int store)
    {
        return dataPorts[store];
    }

    int storeCount()
    {
        return stores.length;
    }

    /** Starts everything (the stores side by side) and waits until every store is mounted. */
    void start() throws Exception
    {
        startMaster();
        final List<CompletableFuture<Void>> starting = new ArrayList<>();
        for (int i = 0; i < stores.length; i++)
        {
            final int store = i;
            starting.add(CompletableFuture.runAsync(() ->
            {
                try
                {
                    startStore(store);
                }
                catch (final Exception e)
                {
                    throw new CompletionException(e);
                }
            }));
        }
        try
        {
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new))
                .join();
        }
        catch (final CompletionException e)
        {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** Starts the master on its ports, trying again while a port is still held by the process it replaces. */
    void startMaster() throws Exception
    {
        master = startUntilReady("master", "kvtier master:", List.of("master", "--rpc-address", "127.0.0.1",
            "--rpc-port", Integer.toString(rpcPort), "--enable-http-metadata-server",
            "--http-metadata-server-host", "127.0.0.1", "--http-metadata-server-port", Integer.toString(metadataPort),
            "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(adminPort),
            "--enable-metric-reporting=false"));
    }

    void startStore(final int i) throws Exception
    {
        final Path config = dir.resolve("store-" + i + ".json");
        Files.writeString(config, "{\"local_hostname\": \"127.0.0.1:" + dataPorts[i] + "\", \"metadata_server\": \""
            + metadata() + "\", \"master_server_address\": \"" + rpc() + "\", \"protocol\": \"tcp\", "
            + "\"global_segment_size\": \"" + segmentBytes + "\", \"local_buffer_size\": \"1mb\"}");
        stores[i] = startUntilReady("store-" + i, "kvtier store:", List.of("store", "--config", config.toString()));
    }

    void killMaster() throws InterruptedException
    {
        master.kill();
    }

    void killStore(final int i) throws InterruptedException
    {
        stores[i].kill();
    }

    private ChildProcess startUntilReady(final String name, final String readyPrefix, final List<String> args)
        throws Exception
    {
        final long deadline = System.nanoTime() + READY_MS * 1_000_000L;
        final List<String> failures = new ArrayList<>();
        while (true)
        {
            final ChildProcess p = ChildProcess.start(dir.resolve(name + ".log"), "256m", readyPrefix, args);
            try
            {
                p.awaitReady(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
                return p;
            }
            catch (final Exception e)
            {
                p.close();
                failures.add(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException(name + " did not start in " + READY_MS / 1000 + " s ("
                        + failures.size() + " tries): " + failures.get(failures.size() - 1), e);
                }
                Thread.sleep(500);
            }
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        if (Thread.currentThread() != reaper)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(reaper);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // the JVM is ending: the reaper closes the processes too, and closing twice is harmless
            }
        }
        for (final ChildProcess s : stores)
        {
            if (s != null)
            {
                s.close();
            }
        }
        if (master != null)
        {
            master.close();
        }
    }

    private void closeAtExit()
    {
        try
        {
            close();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
