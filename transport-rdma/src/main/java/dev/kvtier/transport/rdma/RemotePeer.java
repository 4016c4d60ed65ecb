package dev.kvtier.transport.rdma;

import dev.kvtier.transport.rdma.ucp.UcpWorker;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * One peer engine as this engine reaches it: a UCP endpoint created from the peer's published worker address, and
 * the remote keys of the peer's segments unpacked on that endpoint. Owned by the progress thread; a failed peer is
 * closed whole (its keys destroyed, the endpoint force-closed) and dialled again on the next batch.
 */
final class RemotePeer
{
    private final UcpWorker worker;
    private final String address;
    private final long ep;
    private final Map<String, Long> keys = new HashMap<>();
    private int inFlight;

    private RemotePeer(final UcpWorker worker, final String address, final long ep)
    {
        this.worker = worker;
        this.address = address;
        this.ep = ep;
    }

    /**
     * Connects to the worker at {@code address} (base64), with peer-failure detection when the transports allow
     * it; returns null when UCX cannot reach the peer at all.
     */
    static RemotePeer connect(final UcpWorker worker, final String address, final boolean peerFailure)
    {
        final long ep = worker.connect(Base64.getDecoder().decode(address), peerFailure);
        return ep == 0 ? null : new RemotePeer(worker, address, ep);
    }

    String address()
    {
        return address;
    }

    long endpoint()
    {
        return ep;
    }

    /** The rkey of a segment's packed key (base64), unpacked once per endpoint. */
    long remoteKey(final String packed)
    {
        final Long known = keys.get(packed);
        if (known != null)
        {
            return known;
        }
        final long rkey = worker.unpackRemoteKey(ep, Base64.getDecoder().decode(packed));
        keys.put(packed, rkey);
        return rkey;
    }

    void started()
    {
        inFlight++;
    }

    void finished()
    {
        inFlight--;
    }

    boolean idle()
    {
        return inFlight == 0;
    }

    /**
     * Destroys the keys and force-closes the endpoint: UCX completes every request still outstanding on it with
     * {@code UCS_ERR_CANCELED}, so no late byte lands in a buffer after its batch ended. Returns the close's status
     * pointer for the caller to release.
     */
    long close()
    {
        for (final long rkey : keys.values())
        {
            worker.destroyRemoteKey(rkey);
        }
        keys.clear();
        return worker.forceClose(ep);
    }
}
