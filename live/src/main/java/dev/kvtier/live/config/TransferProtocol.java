package dev.kvtier.live.config;

/**
 * The {@code protocol} setting of a store client or serving worker (store JSON, {@code MOONCAKE_PROTOCOL}, the
 * Mooncake backend's config): {@code tcp}, Mooncake's TCP transfer frames, or {@code rdma}, one-sided put/get over
 * UCX. Checked here once, so every entry point gives the same one-line error.
 */
public final class TransferProtocol
{
    public static final String TCP = "tcp";
    public static final String RDMA = "rdma";
    /** The metadata setting for peer-to-peer names without a metadata service. */
    public static final String P2P = "P2PHANDSHAKE";

    private TransferProtocol()
    {
    }

    /**
     * Checks a {@code protocol} setting against the metadata service it will publish to.
     *
     * @param source where the setting came from, for the message
     * @throws IllegalArgumentException one line naming the field and the fix
     */
    public static void check(final String source, final String protocol, final String metadataServer)
    {
        if (!TCP.equals(protocol) && !RDMA.equals(protocol))
        {
            throw new IllegalArgumentException(source + ": protocol '" + protocol + "' is not available; use "
                + "\"tcp\" or \"rdma\"");
        }
        if (RDMA.equals(protocol) && P2P.equals(metadataServer))
        {
            throw new IllegalArgumentException(source + ": protocol \"rdma\" needs a metadata_server "
                + "(http://host:port/metadata): remote keys are published there, and P2PHANDSHAKE carries none");
        }
    }
}
