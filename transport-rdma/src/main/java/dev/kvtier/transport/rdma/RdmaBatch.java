package dev.kvtier.transport.rdma;

import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.model.transfer.TransferCompletion;
import dev.kvtier.transport.rdma.ucp.UcpLayout;
import dev.kvtier.transport.rdma.ucp.UcpWorker;

/**
 * A submitted batch on the progress thread: its slices as resolved native addresses, the UCX requests it issued
 * (put/get, then one endpoint flush so that writes are complete at the peer, not only sent), its deadline, and the
 * completion that runs once. Requests are released as they finish; a batch that fails is finished only after its
 * peer's endpoint was force-closed, so that none of its requests can still touch a local buffer.
 */
final class RdmaBatch
{
    final String segment;
    final String peerAddress;
    final String remoteKey;
    final boolean[] write;
    final long[] local;
    final long[] remote;
    final long[] length;
    final long deadlineNanos;
    private final TransferCompletion completion;
    private final long[] requests;
    private long flush;
    private int issued;
    private int checked;
    private RemotePeer peer;
    private TransferStatus failure;
    private boolean done;

    RdmaBatch(final String segment, final String peerAddress, final String remoteKey, final int slices,
        final long deadlineNanos, final TransferCompletion completion)
    {
        this.segment = segment;
        this.peerAddress = peerAddress;
        this.remoteKey = remoteKey;
        this.write = new boolean[slices];
        this.local = new long[slices];
        this.remote = new long[slices];
        this.length = new long[slices];
        this.requests = new long[slices];
        this.deadlineNanos = deadlineNanos;
        this.completion = completion;
    }

    int slices()
    {
        return write.length;
    }

    RemotePeer peer()
    {
        return peer;
    }

    /** Issues every slice on {@code p} and the flush behind them; false when UCX refused one (the peer failed). */
    boolean issue(final UcpWorker worker, final RemotePeer p)
    {
        this.peer = p;
        p.started();
        final long rkey = p.remoteKey(remoteKey);
        final long ep = p.endpoint();
        for (; issued < write.length; issued++)
        {
            final long ptr = write[issued] ? worker.put(ep, local[issued], length[issued], remote[issued], rkey)
                : worker.get(ep, local[issued], length[issued], remote[issued], rkey);
            if (UcpLayout.isError(ptr))
            {
                failure = TransferStatus.PEER_DEAD;
                return false;
            }
            requests[issued] = UcpLayout.isRequest(ptr) ? ptr : 0;
        }
        final long f = worker.flush(ep);
        if (UcpLayout.isError(f))
        {
            failure = TransferStatus.PEER_DEAD;
            return false;
        }
        flush = UcpLayout.isRequest(f) ? f : 0;
        return true;
    }

    /**
     * Releases finished requests; returns true when the batch ended (all done, or one failed: then
     * {@link #failure} says so and the caller closes the peer before {@link #finish}).
     */
    boolean poll()
    {
        for (; checked < issued; checked++)
        {
            final long r = requests[checked];
            if (r == 0)
            {
                continue;
            }
            final int s = UcpWorker.requestStatus(r);
            if (s == UcpLayout.UCS_INPROGRESS)
            {
                return false;
            }
            UcpWorker.free(r);
            requests[checked] = 0;
            if (s != UcpLayout.UCS_OK)
            {
                failure = TransferStatus.PEER_DEAD;
                return true;
            }
        }
        if (flush != 0)
        {
            final int s = UcpWorker.requestStatus(flush);
            if (s == UcpLayout.UCS_INPROGRESS)
            {
                return false;
            }
            UcpWorker.free(flush);
            flush = 0;
            if (s != UcpLayout.UCS_OK)
            {
                failure = TransferStatus.PEER_DEAD;
            }
        }
        return true;
    }

    TransferStatus failure()
    {
        return failure;
    }

    void fail(final TransferStatus status)
    {
        if (failure == null)
        {
            failure = status;
        }
    }

    /**
     * Frees what is left (called after the peer's endpoint was force-closed, so nothing is still running) and
     * reports the outcome once.
     */
    void finish()
    {
        if (done)
        {
            return;
        }
        done = true;
        for (int i = checked; i < issued; i++)
        {
            if (requests[i] != 0)
            {
                UcpWorker.free(requests[i]);
                requests[i] = 0;
            }
        }
        if (flush != 0)
        {
            UcpWorker.free(flush);
            flush = 0;
        }
        if (peer != null)
        {
            peer.finished();
        }
        completion.completed(failure == null ? TransferStatus.OK : failure);
    }
}
