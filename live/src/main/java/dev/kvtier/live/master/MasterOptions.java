package dev.kvtier.live.master;

import dev.kvtier.live.config.ListenPorts;
import dev.kvtier.live.http.MetadataService;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.transport.tcp.rpc.ClusterToken;
import dev.kvtier.transport.tcp.rpc.RpcLimits;

/**
 * How a master process is started: its ports, whether a dead client's transfer-engine descriptors are removed from
 * the embedded metadata service when its TTL expires, and the master's tunables. Ports 0 pick a free port (the bound
 * ports are printed and available from {@link MasterServer}), which tests use on loopback. The RPC server's limits,
 * the metadata body limit and the optional cluster token default to {@link RpcLimits#defaults()},
 * {@link MetadataService#DEFAULT_MAX_BODY_BYTES} and none.
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
    MasterConfig config,
    RpcLimits rpcLimits,
    long metadataMaxBodyBytes,
    ClusterToken clusterToken)
{
    public MasterOptions
    {
        ListenPorts.require("--rpc-port", rpcPort);
        ListenPorts.require("--metrics-port", metricsPort);
        ListenPorts.require("--http-metadata-server-port", httpMetadataServerPort);
        if (metadataMaxBodyBytes < 1)
        {
            throw new IllegalArgumentException("--metadata-max-body-bytes: must be >= 1 byte, got "
                + metadataMaxBodyBytes);
        }
    }

    public MasterOptions(final String rpcAddress, final int rpcPort, final boolean enableHttpMetadataServer,
        final String httpMetadataServerHost, final int httpMetadataServerPort, final String metricsHost,
        final int metricsPort, final boolean enableMetadataCleanupOnTimeout, final MasterConfig config)
    {
        this(rpcAddress, rpcPort, enableHttpMetadataServer, httpMetadataServerHost, httpMetadataServerPort, metricsHost,
            metricsPort, enableMetadataCleanupOnTimeout, config, RpcLimits.defaults(),
            MetadataService.DEFAULT_MAX_BODY_BYTES, ClusterToken.NONE);
    }

    public static MasterOptions defaults()
    {
        return new MasterOptions("0.0.0.0", 50051, false, "0.0.0.0", 8080, "0.0.0.0", 9003, false,
            MasterConfig.defaults());
    }

    public MasterOptions withRpcLimits(final RpcLimits limits)
    {
        return new MasterOptions(rpcAddress, rpcPort, enableHttpMetadataServer, httpMetadataServerHost,
            httpMetadataServerPort, metricsHost, metricsPort, enableMetadataCleanupOnTimeout, config, limits,
            metadataMaxBodyBytes, clusterToken);
    }

    public MasterOptions withMetadataMaxBodyBytes(final long bytes)
    {
        return new MasterOptions(rpcAddress, rpcPort, enableHttpMetadataServer, httpMetadataServerHost,
            httpMetadataServerPort, metricsHost, metricsPort, enableMetadataCleanupOnTimeout, config, rpcLimits,
            bytes, clusterToken);
    }

    public MasterOptions withClusterToken(final ClusterToken token)
    {
        return new MasterOptions(rpcAddress, rpcPort, enableHttpMetadataServer, httpMetadataServerHost,
            httpMetadataServerPort, metricsHost, metricsPort, enableMetadataCleanupOnTimeout, config, rpcLimits,
            metadataMaxBodyBytes, token);
    }
}
