package dev.kvtier.transport.rdma.ucp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One UCP context with one worker (RMA and wakeup features, single-threaded mode): the owner calls everything but
 * {@link #signal} from one thread. It maps memory, packs and unpacks remote keys, creates endpoints from peers'
 * worker addresses and issues non-blocking put/get, returning UCX's status pointers for the caller to poll. The
 * parameter structs live in native memory allocated once and rewritten per call, at {@link UcpLayout}'s offsets.
 */
public final class UcpWorker implements AutoCloseable
{
    private final long context;
    private final long worker;
    private final byte[] address;
    private final int eventFd;
    private final Memory epParams = new Memory(UcpLayout.EP_PARAMS_SIZE);
    private final Memory memMapParams = new Memory(UcpLayout.MEM_MAP_PARAMS_SIZE);
    private final Memory noParams = new Memory(UcpLayout.REQUEST_PARAM_SIZE);
    private final Memory forceClose = new Memory(UcpLayout.REQUEST_PARAM_SIZE);
    private final long[] out = new long[1];
    /** Endpoints UCX reported failed (called back during progress, on the owner's thread). */
    private final java.util.ArrayDeque<Long> failedEndpoints = new java.util.ArrayDeque<>();
    private final EndpointFailure onFailure = (arg, ep, status) -> failedEndpoints.add(ep);
    private final long[] out2 = new long[1];

    /**
     * @param settings UCX settings for this context over the environment's, by name without the {@code UCX_} prefix
     *                 (e.g. {@code NET_DEVICES}, {@code TLS})
     * @throws IllegalStateException naming the call that failed and UCX's reason
     */
    public UcpWorker(final java.util.Map<String, String> settings)
    {
        UcpLibrary.check();
        final long[] config = new long[1];
        status("ucp_config_read", Ucp.ucpConfigRead(null, null, config));
        try
        {
            for (final java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(settings).entrySet())
            {
                status("UCX_" + e.getKey() + "=" + e.getValue(), Ucp.ucpConfigModify(config[0], e.getKey(),
                    e.getValue()));
            }
            final Memory params = new Memory(UcpLayout.PARAMS_SIZE);
            params.clear();
            params.setLong(UcpLayout.PARAMS_FIELD_MASK, UcpLayout.PARAM_FIELD_FEATURES);
            params.setLong(UcpLayout.PARAMS_FEATURES, UcpLayout.FEATURE_RMA | UcpLayout.FEATURE_WAKEUP);
            status("ucp_init", Ucp.ucpInitVersion(UcpLayout.API_MAJOR, UcpLayout.API_MINOR,
                Pointer.nativeValue(params), config[0], out));
            this.context = out[0];
        }
        finally
        {
            Ucp.ucpConfigRelease(config[0]);
        }
        final Memory wp = new Memory(UcpLayout.WORKER_PARAMS_SIZE);
        wp.clear();
        wp.setLong(UcpLayout.WORKER_PARAMS_FIELD_MASK, UcpLayout.WORKER_PARAM_FIELD_THREAD_MODE);
        wp.setInt(UcpLayout.WORKER_PARAMS_THREAD_MODE, UcpLayout.THREAD_MODE_SINGLE);
        int rc = Ucp.ucpWorkerCreate(context, Pointer.nativeValue(wp), out);
        if (rc != UcpLayout.UCS_OK)
        {
            Ucp.ucpCleanup(context);
            status("ucp_worker_create", rc);
        }
        this.worker = out[0];
        rc = Ucp.ucpWorkerGetAddress(worker, out, out2);
        if (rc != UcpLayout.UCS_OK)
        {
            close();
            status("ucp_worker_get_address", rc);
        }
        this.address = new Pointer(out[0]).getByteArray(0, (int)out2[0]);
        Ucp.ucpWorkerReleaseAddress(worker, out[0]);
        final int[] fd = new int[1];
        this.eventFd = Ucp.ucpWorkerGetEfd(worker, fd) == UcpLayout.UCS_OK ? fd[0] : -1;
        noParams.clear();
        forceClose.clear();
        forceClose.setInt(UcpLayout.REQUEST_PARAM_OP_ATTR_MASK, UcpLayout.OP_ATTR_FIELD_FLAGS);
        forceClose.setInt(UcpLayout.REQUEST_PARAM_FLAGS, UcpLayout.EP_CLOSE_FLAG_FORCE);
    }

    /** A variable of this process's C environment, as UCX reads it (Java's own copy may differ), or "". */
    public static String environment(final String name)
    {
        final String v = com.sun.jna.Function.getFunction(com.sun.jna.Platform.C_LIBRARY_NAME, "getenv")
            .invokeString(new Object[] {name}, false);
        return v == null ? "" : v;
    }

    /** This worker's address, the bytes a peer creates an endpoint from (published next to the remote key). */
    public byte[] address()
    {
        return address.clone();
    }

    /** The fd that becomes readable when the worker has events (after {@link #arm}), or -1 without wakeup. */
    public int eventFd()
    {
        return eventFd;
    }

    /** Progresses communication once; returns whether anything happened. */
    public boolean progress()
    {
        return Ucp.ucpWorkerProgress(worker) != 0;
    }

    /** Arms the event fd; false when events are already pending (progress again instead of waiting). */
    public boolean arm()
    {
        return Ucp.ucpWorkerArm(worker) == UcpLayout.UCS_OK;
    }

    /** Wakes a wait on {@link #eventFd}; any thread. */
    public void signal()
    {
        Ucp.ucpWorkerSignal(worker);
    }

    /** Registers {@code [address, address + length)}; returns the memory handle. */
    public long memMap(final long address, final long length)
    {
        memMapParams.clear();
        memMapParams.setLong(UcpLayout.MEM_MAP_PARAMS_FIELD_MASK,
            UcpLayout.MEM_MAP_PARAM_FIELD_ADDRESS | UcpLayout.MEM_MAP_PARAM_FIELD_LENGTH);
        memMapParams.setLong(UcpLayout.MEM_MAP_PARAMS_ADDRESS, address);
        memMapParams.setLong(UcpLayout.MEM_MAP_PARAMS_LENGTH, length);
        status("ucp_mem_map of " + length + " bytes", Ucp.ucpMemMap(context, Pointer.nativeValue(memMapParams),
            out));
        return out[0];
    }

    /**
     * Lets UCX allocate and register {@code length} bytes (shared memory first, by its {@code UCX_ALLOC_PRIO}), which
     * peers on the same host attach to and copy into one-sidedly, where other memory needs their progress thread.
     *
     * @return {memory handle, address}
     */
    public long[] memAllocate(final long length)
    {
        memMapParams.clear();
        memMapParams.setLong(UcpLayout.MEM_MAP_PARAMS_FIELD_MASK, UcpLayout.MEM_MAP_PARAM_FIELD_ADDRESS
            | UcpLayout.MEM_MAP_PARAM_FIELD_LENGTH | UcpLayout.MEM_MAP_PARAM_FIELD_FLAGS);
        memMapParams.setLong(UcpLayout.MEM_MAP_PARAMS_ADDRESS, 0);
        memMapParams.setLong(UcpLayout.MEM_MAP_PARAMS_LENGTH, length);
        memMapParams.setInt(UcpLayout.MEM_MAP_PARAMS_FLAGS, UcpLayout.MEM_MAP_ALLOCATE);
        status("ucp_mem_map (allocate " + length + " bytes)", Ucp.ucpMemMap(context,
            Pointer.nativeValue(memMapParams), out));
        final long memh = out[0];
        final Memory attr = new Memory(UcpLayout.MEM_ATTR_SIZE);
        attr.clear();
        attr.setLong(UcpLayout.MEM_ATTR_FIELD_MASK, UcpLayout.MEM_ATTR_FIELD_ADDRESS | UcpLayout.MEM_ATTR_FIELD_LENGTH);
        final int rc = Ucp.ucpMemQuery(memh, Pointer.nativeValue(attr));
        if (rc != UcpLayout.UCS_OK)
        {
            Ucp.ucpMemUnmap(context, memh);
            status("ucp_mem_query", rc);
        }
        return new long[] {memh, attr.getLong(UcpLayout.MEM_ATTR_ADDRESS)};
    }

    public void memUnmap(final long memh)
    {
        Ucp.ucpMemUnmap(context, memh);
    }

    /** The packed remote key of a mapping, for peers to unpack on their endpoint to this worker. */
    public byte[] packRemoteKey(final long memh)
    {
        status("ucp_rkey_pack", Ucp.ucpRkeyPack(context, memh, out, out2));
        final byte[] key = new Pointer(out[0]).getByteArray(0, (int)out2[0]);
        Ucp.ucpRkeyBufferRelease(out[0]);
        return key;
    }

    /**
     * An endpoint to the worker at {@code peerAddress}; with {@code peerFailure} UCX reports a dead peer as an error
     * on the endpoint's requests (transports that cannot detect it, such as shared memory, refuse that mode).
     *
     * @return the endpoint, or 0 when UCX cannot reach the peer in that mode
     */
    public long connect(final byte[] peerAddress, final boolean peerFailure)
    {
        final Memory addr = new Memory(peerAddress.length);
        addr.write(0, peerAddress, 0, peerAddress.length);
        epParams.clear();
        epParams.setLong(UcpLayout.EP_PARAMS_FIELD_MASK, UcpLayout.EP_PARAM_FIELD_REMOTE_ADDRESS
            | UcpLayout.EP_PARAM_FIELD_ERR_HANDLING_MODE | (peerFailure ? UcpLayout.EP_PARAM_FIELD_ERR_HANDLER : 0));
        epParams.setPointer(UcpLayout.EP_PARAMS_ERR_HANDLER_CB,
            com.sun.jna.CallbackReference.getFunctionPointer(onFailure));
        epParams.setLong(UcpLayout.EP_PARAMS_ADDRESS, Pointer.nativeValue(addr));
        epParams.setInt(UcpLayout.EP_PARAMS_ERR_MODE,
            peerFailure ? UcpLayout.ERR_HANDLING_MODE_PEER : UcpLayout.ERR_HANDLING_MODE_NONE);
        final int rc = Ucp.ucpEpCreate(worker, Pointer.nativeValue(epParams), out);
        if (rc == UcpLayout.UCS_ERR_UNREACHABLE)
        {
            return 0;
        }
        status("ucp_ep_create", rc);
        return out[0];
    }

    /** The endpoints UCX reported failed since the last call (their requests end with errors). */
    public long[] failedEndpoints()
    {
        final long[] eps = new long[failedEndpoints.size()];
        for (int i = 0; i < eps.length; i++)
        {
            eps[i] = failedEndpoints.poll();
        }
        return eps;
    }

    /** Closes an endpoint at once: its outstanding requests complete with {@code UcpLayout.UCS_ERR_CANCELED}. */
    public long forceClose(final long ep)
    {
        return Ucp.ucpEpCloseNbx(ep, Pointer.nativeValue(forceClose));
    }

    /** The rkey of {@code packedKey} on {@code ep}, for put/get to the peer's mapping. */
    public long unpackRemoteKey(final long ep, final byte[] packedKey)
    {
        final Memory key = new Memory(packedKey.length);
        key.write(0, packedKey, 0, packedKey.length);
        status("ucp_ep_rkey_unpack", Ucp.ucpEpRkeyUnpack(ep, Pointer.nativeValue(key), out));
        return out[0];
    }

    public void destroyRemoteKey(final long rkey)
    {
        Ucp.ucpRkeyDestroy(rkey);
    }

    /** Starts a one-sided write; returns UCX's status pointer (OK, an error, or a request to poll). */
    public long put(final long ep, final long local, final long length, final long remote, final long rkey)
    {
        return Ucp.ucpPutNbx(ep, local, length, remote, rkey, Pointer.nativeValue(noParams));
    }

    /** Starts a one-sided read; returns UCX's status pointer. */
    public long get(final long ep, final long local, final long length, final long remote, final long rkey)
    {
        return Ucp.ucpGetNbx(ep, local, length, remote, rkey, Pointer.nativeValue(noParams));
    }

    /** Starts a flush of {@code ep}: it completes when every operation issued before it is complete at the peer. */
    public long flush(final long ep)
    {
        return Ucp.ucpEpFlushNbx(ep, Pointer.nativeValue(noParams));
    }

    /** {@code UcpLayout.UCS_INPROGRESS}, {@code UcpLayout.UCS_OK} or an error, for a request handle. */
    public static int requestStatus(final long request)
    {
        return Ucp.ucpRequestCheckStatus(request);
    }

    public static void free(final long request)
    {
        Ucp.ucpRequestFree(request);
    }

    /** UCX's words for a status. */
    public static String describe(final int status)
    {
        return Ucp.ucsStatusString(status);
    }

    private static void status(final String what, final int rc)
    {
        if (rc != UcpLayout.UCS_OK)
        {
            throw new IllegalStateException(what + " failed: " + describe(rc) + " (" + rc + ")");
        }
    }

    @Override
    public void close()
    {
        Ucp.ucpWorkerDestroy(worker);
        Ucp.ucpCleanup(context);
    }
}
