package dev.kvtier.live.master;

import dev.kvtier.model.store.MasterConfig;

/**
 * How a master process is started: its ports, whether a dead client's transfer-engine descriptors are removed from
 * the embedded metadata service when its TTL expires, and the master's tunables. Ports 0 pick a free port (the bound
 * ports are printed and available from {@link MasterServer}), which tests use on loopback.
 */
public record MasterOptions(
    String rpcAddress,
    int rpcPort,
    boolean enableHttpMetadataServer,
    String httpMetadataServerHost,
    int httpMetadataServerPort,
    String metricsHost,
    int metricsPort,
    boolean enableMetadataCleanupOnTimeout,
    MasterConfig config)
{
    public static MasterOptions defaults()
    {
        return new MasterOptions("0.0.0.0", 50051, false, "0.0.0.0", 8080, "0.0.0.0", 9003, false,
            MasterConfig.defaults());
    }
}
