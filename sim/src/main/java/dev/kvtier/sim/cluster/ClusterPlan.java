package dev.kvtier.sim.cluster;

import dev.kvtier.model.cost.GpuSpec;
import dev.kvtier.model.cost.ModelSpec;
import dev.kvtier.model.cost.RooflineCostModel;
import dev.kvtier.model.engine.TimedCompute;
import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.RadixEvictionPolicy;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.hicache.WritePolicy;
import dev.kvtier.model.network.FlowNetwork;
import dev.kvtier.model.routing.RoutingPolicy;

import java.util.Locale;

/**
 * A {@link ClusterConfig} checked and turned into the numbers the simulation needs: instances and their roles,
 * L1/L2 capacities in pages, link rates. Capacity follows SGLang: device KV = {@code tp × HBM ×
 * mem_fraction_static − weights}; host = {@code hicache_ratio × device} or {@code hicache_size} GB per rank, and
 * must fit in host memory with 10 GiB to spare next to the store segment. {@code serving.device_pages} and
 * {@code serving.host_pages}, when above 0, replace the derived sizes (a live worker's recorded sizes).
 */
public record ClusterPlan(ClusterConfig config, ModelSpec model, GpuSpec gpu, RooflineCostModel cost,
    int instances, int prefillInstances, boolean disaggregated, HiCacheConfig cache, long segmentBytes,
    double nicBytesPerNs, long latencyNs, RoutingPolicy routing, RoutingPolicy decodeRouting)
{
    /** Local memcpy bandwidth for a transfer that stays on one node (DRAM copy, about 50 GB/s). */
    public static final double LOCAL_COPY_BYTES_PER_NS = FlowNetwork.LOCAL_COPY_BYTES_PER_NS;

    /** Transfer Engine over RDMA reached 87 GB/s on 4×200 Gbps (FAST'25 Fig. 12), TCP 2.4× less. */
    public static final double RDMA_EFFICIENCY = 0.87;
    public static final double TCP_EFFICIENCY = 0.36;
    public static final long RDMA_LATENCY_NS = 10_000;
    public static final long TCP_LATENCY_NS = 50_000;
    /** Largest {@code serving.compute_time_scale}: the compute ports' own bound ({@link TimedCompute#MAX_SCALE}). */
    public static final double MAX_COMPUTE_TIME_SCALE = TimedCompute.MAX_SCALE;

    private static final double GIB = 1024.0 * 1024 * 1024;

    public static ClusterPlan of(final ClusterConfig c, final ModelSpec modelOverride)
    {
        final ModelSpec model = modelOverride != null ? modelOverride : ModelSpec.preset(c.model());
        final GpuSpec gpu = GpuSpec.preset(c.gpu());
        positive(c.nodes(), "nodes");
        positive(c.gpusPerNode(), "gpus_per_node");
        positive(c.tp(), "tp");
        if ((c.nodes() * c.gpusPerNode()) % c.tp() != 0 || c.tp() > c.gpusPerNode())
        {
            throw new IllegalArgumentException("cluster config field 'tp' (" + c.tp() + ") must divide "
                + "gpus_per_node (" + c.gpusPerNode() + ")");
        }
        final int instances = c.nodes() * c.gpusPerNode() / c.tp();
        final ClusterConfig.Serving s = c.serving();
        positive(s.pageSize(), "serving.page_size");
        if (512 % s.pageSize() != 0)
        {
            throw new IllegalArgumentException("cluster config field 'serving.page_size' (" + s.pageSize()
                + ") must divide the traces' 512-token block: use 16, 32, 64, 128, 256 or 512");
        }
        final RooflineCostModel cost = new RooflineCostModel(model, gpu, c.tp());
        final double kvPerToken = RooflineCostModel.instanceKvBytesPerToken(model, c.tp());
        final double deviceKvBytes = c.tp() * gpu.hbmBytes() * s.memFractionStatic() - model.weightBytes();
        nonNegative(s.devicePages(), "serving.device_pages");
        nonNegative(s.hostPages(), "serving.host_pages");
        notNegative(s.requestOverheadMs(), "serving.request_overhead_ms");
        if (!(s.computeTimeScale() > 0) || !(s.computeTimeScale() <= MAX_COMPUTE_TIME_SCALE))
        {
            throw new IllegalArgumentException("cluster config field 'serving.compute_time_scale' must be a number > 0 "
                + "and at most " + (long)MAX_COMPUTE_TIME_SCALE + ", got " + s.computeTimeScale());
        }
        if (deviceKvBytes <= 0 && s.devicePages() == 0)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "model %s (%.0f GB of weights) does not "
                    + "fit in tp=%d × %s at mem_fraction_static %.2f: raise 'tp' or pick a bigger 'gpu'",
                model.name(), model.weightBytes() / 1e9, c.tp(), gpu.name(), s.memFractionStatic()));
        }
        final int devicePages = s.devicePages() > 0 ? Math.min(Integer.MAX_VALUE / 4, s.devicePages())
            : (int)Math.min(Integer.MAX_VALUE / 4, deviceKvBytes / kvPerToken / s.pageSize());
        final long hostPages;
        if (s.hostPages() > 0)
        {
            hostPages = s.hostPages();
        }
        else
        {
            hostPages = HiCacheConfig.hostPages(devicePages, s.hicacheRatio(), s.hicacheSizeGb(), c.tp(), kvPerToken,
                s.pageSize());
        }
        final long segmentBytes = (long)(c.store().globalSegmentSizeGb() * GIB);
        final int instancesPerNode = Math.max(1, c.gpusPerNode() / c.tp());
        final double hostBytes = hostPages * s.pageSize() * kvPerToken * instancesPerNode;
        final double available = c.hostMemoryGb() * GIB - 10 * GIB - segmentBytes * instancesPerNode;
        if (hostBytes > available)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "host KV pool (%.0f GiB per node) plus "
                    + "store segment (%.0f GiB) exceeds host_memory_gb %.0f minus 10 GiB: lower "
                    + "serving.hicache_ratio, serving.hicache_size_gb or store.global_segment_size_gb",
                hostBytes / GIB, segmentBytes * instancesPerNode / GIB, c.hostMemoryGb()));
        }
        final boolean pd = switch (c.disaggregation().mode())
        {
            case "none" -> false;
            case "pd" -> true;
            default -> throw new IllegalArgumentException("cluster config field 'disaggregation.mode' must be "
                + "none or pd, got '" + c.disaggregation().mode() + "'");
        };
        int prefill = instances;
        if (pd)
        {
            prefill = c.disaggregation().prefillInstances() > 0 ? c.disaggregation().prefillInstances()
                : instances / 2;
            if (prefill >= instances)
            {
                throw new IllegalArgumentException("cluster config field 'disaggregation.prefill_instances' ("
                    + prefill + ") must leave at least one of the " + instances + " instances for decode");
            }
        }
        final String protocol = c.nic().protocol();
        final double efficiency = switch (protocol)
        {
            case "rdma" -> RDMA_EFFICIENCY;
            case "tcp" -> TCP_EFFICIENCY;
            default -> throw new IllegalArgumentException("cluster config field 'nic.protocol' must be rdma or "
                + "tcp, got '" + protocol + "'");
        };
        positive(c.nic().count(), "nic.count");
        final double nicBytesPerNs = c.nic().count() * c.nic().gbps() / 8.0 * efficiency / instancesPerNode;
        final long latency = latencyNs(c.nic().latencyUs(), protocol);
        final HiCacheConfig cache = new HiCacheConfig(s.pageSize(), devicePages,
            (int)Math.min(Integer.MAX_VALUE / 4, hostPages), parse(() -> WritePolicy.parse(s.writePolicy())),
            parse(() -> PrefetchPolicy.parse(s.prefetchPolicy())), s.storage(), s.prefetchThreshold(),
            seconds(s.prefetchTimeoutBaseS()), seconds(s.prefetchTimeoutPerKiTokenS()),
            s.prefetchTimeoutMaxS() > 0 ? seconds(s.prefetchTimeoutMaxS()) : Long.MAX_VALUE, s.loadBackThreshold(),
            HiCacheConfig.DEFAULT_PREFETCH_CAPACITY_FRACTION,
            parse(() -> RadixEvictionPolicy.parse(s.evictionPolicy())));
        return new ClusterPlan(c, model, gpu, cost, instances, prefill, pd, cache, segmentBytes, nicBytesPerNs,
            latency, parse(() -> RoutingPolicy.parse(c.router().policy())),
            parse(() -> RoutingPolicy.parse(c.router().decodePolicy())));
    }

    private static <T> T parse(final java.util.function.Supplier<T> s)
    {
        try
        {
            return s.get();
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("cluster config: " + e.getMessage());
        }
    }

    private static long seconds(final double s)
    {
        return s >= 1e9 ? Long.MAX_VALUE / 4 : (long)(s * 1e9);
    }

    private static void notNegative(final double v, final String field)
    {
        if (!(v >= 0))
        {
            throw new IllegalArgumentException("cluster config field '" + field + "' must be >= 0, got " + v);
        }
    }

    private static void nonNegative(final long v, final String field)
    {
        if (v < 0)
        {
            throw new IllegalArgumentException("cluster config field '" + field + "' must be >= 0 (0 derives it), "
                + "got " + v);
        }
    }

    private static void positive(final int v, final String field)
    {
        if (v <= 0)
        {
            throw new IllegalArgumentException("cluster config field '" + field + "' must be > 0, got " + v);
        }
    }

    /**
     * The one-way latency a cluster's links run with, ns: {@code nic.latency_us} when it is set (0 included), the
     * protocol's when it is left at -1. One rule for the plan and for whatever starts a search from a config.
     */
    public static long latencyNs(final double latencyUs, final String protocol)
    {
        return latencyUs >= 0 ? (long)(latencyUs * 1000) : protocol.equals("rdma") ? RDMA_LATENCY_NS : TCP_LATENCY_NS;
    }
}
