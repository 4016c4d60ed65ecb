package dev.kvtier.live;

import dev.kvtier.live.master.MasterOptions;
import dev.kvtier.live.master.MasterServer;
import dev.kvtier.model.node.input.InputTap;
import dev.kvtier.model.store.MasterConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A real master in the test's process on loopback, every port picked free by the OS. */
public final class LiveMaster implements AutoCloseable
{
    private final MasterServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    public LiveMaster(final MasterConfig config) throws IOException
    {
        this(config, 0);
    }

    public LiveMaster(final MasterConfig config, final int rpcPort) throws IOException
    {
        this(config, rpcPort, null);
    }

    /** A master whose node's inputs are copied to {@code tap}. */
    public LiveMaster(final MasterConfig config, final int rpcPort, final InputTap tap) throws IOException
    {
        server = new MasterServer(new MasterOptions("127.0.0.1", rpcPort, true, "127.0.0.1", 0, "127.0.0.1", 0, true,
            config), tap).start();
    }

    public MasterServer server()
    {
        return server;
    }

    public String rpcAddress()
    {
        return "127.0.0.1:" + server.rpcPort();
    }

    public String metadataUrl()
    {
        return "http://127.0.0.1:" + server.metadataPort() + "/metadata";
    }

    public HttpResponse<String> admin(final String pathAndQuery) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + pathAndQuery))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException
    {
        server.close();
    }
}
