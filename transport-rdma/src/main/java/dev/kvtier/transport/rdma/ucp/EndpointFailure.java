package dev.kvtier.transport.rdma.ucp;

import com.sun.jna.Callback;

/**
 * UCX's {@code ucp_err_handler_cb_t}: called during {@code ucp_worker_progress} when an endpoint with peer-failure
 * handling fails (its peer died, the connection broke), so the owner can close it at once rather than waiting for
 * its operations' deadlines.
 */
@FunctionalInterface
public interface EndpointFailure extends Callback
{
    void invoke(long arg, long ep, int status);
}
