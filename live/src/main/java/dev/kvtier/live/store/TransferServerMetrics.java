package dev.kvtier.live.store;

import dev.kvtier.live.http.MetricList;
import dev.kvtier.transport.tcp.transfer.TransferLimits;
import dev.kvtier.transport.tcp.transfer.TransferServer;
import dev.kvtier.transport.tcp.transfer.TransferServerCounters;

/**
 * A data port's limits and what they refused, for a store's {@code /metrics}: each configured limit as a gauge next
 * to what is held now, and a counter per kind of close, named as the master's {@code kvtier_rpc_*} so one dashboard
 * reads both. Read from the server's atomic counters on the HTTP thread.
 */
final class TransferServerMetrics
{
    private TransferServerMetrics()
    {
    }

    static void add(final MetricList out, final TransferServer server)
    {
        final TransferLimits l = server.limits();
        final TransferServerCounters c = server.counters();
        out.gauge("kvtier_transfer_max_connections", "Limit: data-port connections open at once "
            + "(KVTIER_TCP_MAX_CONNECTIONS)", l.maxConnections());
        out.gauge("kvtier_transfer_stall_timeout_ms", "Limit: time a started request may make no progress "
            + "(KVTIER_TCP_STALL_TIMEOUT_MS)", l.stallTimeoutMs());
        out.gauge("kvtier_transfer_idle_timeout_ms", "Limit: time without a request before a data-port connection "
            + "is closed (KVTIER_TCP_IDLE_TIMEOUT_MS, 0 = never)", l.idleTimeoutMs());
        out.gauge("kvtier_transfer_io_threads", "Selector threads serving the data port (KVTIER_TCP_IO_THREADS)",
            l.ioThreads());
        out.gauge("kvtier_transfer_connections", "Data-port connections open now", c.connections());
        out.counter("kvtier_transfer_refused_connections", "Data-port connections closed at accept: connection "
            + "limit reached", c.refused());
        out.counter("kvtier_transfer_stall_closes", "Data-port connections closed: a request made no progress "
            + "within the stall timeout", c.stalled());
        out.counter("kvtier_transfer_idle_closes", "Data-port connections closed after the idle timeout",
            c.idleClosed());
        out.counter("kvtier_transfer_bad_requests", "Data-port connections closed for bad input (unknown opcode, "
            + "truncated header or payload, v1 range error)", c.badRequests());
        out.counter("kvtier_transfer_rejected_requests", "Data-port requests outside the registered memory",
            c.rejected());
        out.counter("kvtier_transfer_received_bytes", "Bytes written into this store's memory by peers",
            c.bytesIn());
        out.counter("kvtier_transfer_sent_bytes", "Bytes read out of this store's memory by peers", c.bytesOut());
    }
}
