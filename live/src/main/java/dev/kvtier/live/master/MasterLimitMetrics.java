package dev.kvtier.live.master;

import dev.kvtier.live.http.MetadataService;
import dev.kvtier.live.http.MetricList;
import dev.kvtier.transport.tcp.rpc.RpcLimits;
import dev.kvtier.transport.tcp.rpc.RpcServerCounters;

/**
 * The master's resource limits and what they refused, for {@code /metrics}: each configured limit as a gauge next
 * to what is held now, and a counter per kind of refusal, so an operator sees both the budget and the pressure on
 * it. Read from the servers' atomic counters on the HTTP thread.
 */
final class MasterLimitMetrics
{
    private MasterLimitMetrics()
    {
    }

    static void add(final MetricList out, final MasterServer server)
    {
        final RpcLimits l = server.rpc().limits();
        final RpcServerCounters c = server.rpc().counters();
        out.gauge("kvtier_rpc_max_connections", "Limit: RPC connections open at once (--rpc-max-connections)",
            l.maxConnections());
        out.gauge("kvtier_rpc_max_frame_bytes", "Limit: bytes of one RPC frame (--rpc-max-frame-bytes)",
            l.maxFrameBytes());
        out.gauge("kvtier_rpc_max_buffered_bytes",
            "Limit: bytes of unfinished RPC frames over all connections (--rpc-max-buffered-bytes)",
            l.maxBufferedBytes());
        out.gauge("kvtier_rpc_frame_deadline_ms", "Limit: time to finish a started RPC frame (--rpc-frame-deadline)",
            l.frameDeadlineMs());
        out.gauge("kvtier_rpc_idle_timeout_ms", "Limit: silence before an RPC connection is closed "
            + "(--rpc-idle-timeout, 0 = never)", l.idleTimeoutMs());
        out.gauge("kvtier_rpc_connections", "RPC connections open now", c.connections());
        out.gauge("kvtier_rpc_buffered_bytes", "Bytes of RPC input buffers held now", c.bufferedBytes());
        out.counter("kvtier_rpc_refused_connections", "RPC connections closed at accept: connection limit reached",
            c.refused());
        out.counter("kvtier_rpc_bad_frames", "RPC connections closed for a bad or oversized frame", c.badFrames());
        out.counter("kvtier_rpc_over_budget", "RPC connections closed: buffered-bytes budget exceeded",
            c.overBudget());
        out.counter("kvtier_rpc_frame_deadline_closes", "RPC connections closed: frame not finished in time",
            c.frameDeadlines());
        out.counter("kvtier_rpc_idle_closes", "RPC connections closed after the idle timeout", c.idleClosed());
        out.counter("kvtier_rpc_unauthenticated", "RPC connections closed: cluster token missing or wrong",
            server.unauthenticatedConnections());
        out.gauge("kvtier_ready", "1 while every server thread runs, 0 after one died", server.failure() == null
            ? 1 : 0);
        out.counter("kvtier_admin_unauthorized", "Admin requests other than GET/HEAD answered 401: cluster token "
            + "missing or wrong", server.admin().unauthorized());
        final MetadataService m = server.metadata();
        if (m != null)
        {
            out.gauge("kvtier_metadata_max_body_bytes", "Limit: metadata PUT body (--metadata-max-body-bytes)",
                m.maxBodyBytes());
            out.counter("kvtier_metadata_too_large", "Metadata PUTs answered 413", m.tooLarge());
            out.counter("kvtier_metadata_unauthorized", "Metadata writes answered 401: cluster token missing or "
                + "wrong", m.unauthorized());
        }
    }
}
