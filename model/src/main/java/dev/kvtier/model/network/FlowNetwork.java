package dev.kvtier.model.network;

import java.util.Arrays;

/**
 * Bulk transfers as fluid flows sharing link bandwidth max-min fairly. Every node has an egress link (its NICs
 * sending), an ingress link (its NICs receiving) and a local link (memory-to-memory copies when source and
 * destination are the same node). A remote flow crosses its source's egress and its destination's ingress; rates
 * are recomputed by progressive filling whenever a flow starts or ends, which is what a processor-sharing NIC
 * model (as in Dynamo's KVBM mocker) and RDMA's per-queue-pair fairness amount to at flow level.
 *
 * <p>The network is a pure state machine: time is passed in, and the host asks {@link #nextCompletionNs()} when to
 * call {@link #advanceTo} next. Completions are reported to a {@link CompletionSink} with the tag given at start.
 * It is the network cost model of both runtimes: the simulator costs every transfer batch with it, and a live
 * worker slowed on purpose ({@code kvtier server --storage-bandwidth}) times its transfers with it, so that a
 * replay of a live run models the live links with the same arithmetic.
 */
public final class FlowNetwork
{
    /** Memory-to-memory copy bandwidth for transfers that stay on one node, in bytes per ns (50 GB/s). */
    public static final double LOCAL_COPY_BYTES_PER_NS = 50.0;

    /**
     * Receives finished flows, in a deterministic order (by flow slot). A sink must not start flows on the network
     * that calls it (the finished flows' slots are free by then, so a new flow could take one before its report);
     * the runtimes start the next transfers after {@link #advanceTo} returns.
     */
    @FunctionalInterface
    public interface CompletionSink
    {
        void completed(long tag, long bytes);
    }

    private static final double DONE_EPSILON_BYTES = 0.5;

    private final int nodes;
    private final double[] capacity; // bytes per ns, per link: [egress 0..n) [ingress n..2n) [local 2n..3n)
    private final long latencyNs;

    private int[] linkA = new int[64];
    private int[] linkB = new int[64];
    private double[] remaining = new double[64];
    private double[] rate = new double[64];
    private long[] tags = new long[64];
    private long[] sizes = new long[64];
    private int slots;
    /** The active slots in increasing order, {@code live[0..liveCount)}: every pass visits these and no idle slot. */
    private int[] live = new int[64];
    private int liveCount;
    private int[] finished = new int[64];
    private long lastUpdateNs;
    private double bytesMoved;

    private final double[] linkLeft;
    private final int[] linkUnfrozen;
    private final int[] linkList;
    private int[] flowList = new int[64];

    /**
     * @param egressBytesPerNs  per node, what its NICs can send (bandwidth × efficiency)
     * @param ingressBytesPerNs per node, what its NICs can receive
     * @param localBytesPerNs   per node, memory copy bandwidth for transfers that stay on the node
     * @param latencyNs         one-way latency added to a remote flow's completion
     */
    public FlowNetwork(final double[] egressBytesPerNs, final double[] ingressBytesPerNs,
        final double[] localBytesPerNs, final long latencyNs)
    {
        this.nodes = egressBytesPerNs.length;
        if (ingressBytesPerNs.length != nodes || localBytesPerNs.length != nodes)
        {
            throw new IllegalArgumentException("egress, ingress and local arrays must have one entry per node");
        }
        this.capacity = new double[3 * nodes];
        for (int i = 0; i < nodes; i++)
        {
            capacity[i] = positive(egressBytesPerNs[i], "egress");
            capacity[nodes + i] = positive(ingressBytesPerNs[i], "ingress");
            capacity[2 * nodes + i] = positive(localBytesPerNs[i], "local");
        }
        this.latencyNs = latencyNs;
        this.linkLeft = new double[3 * nodes];
        this.linkUnfrozen = new int[3 * nodes];
        this.linkList = new int[3 * nodes];
    }

    private static double positive(final double v, final String what)
    {
        if (!(v > 0))
        {
            throw new IllegalArgumentException(what + " bandwidth must be > 0, got " + v);
        }
        return v;
    }

    public long latencyNs(final int src, final int dst)
    {
        return src == dst ? 0 : latencyNs;
    }

    /** Total bytes delivered so far (fractional while flows are in progress). */
    public double bytesMoved()
    {
        return bytesMoved;
    }

    /** Starts a flow of {@code bytes} from {@code src} to {@code dst} at {@code nowNs}; rates are re-shared. */
    public void start(final int src, final int dst, final long bytes, final long nowNs, final long tag)
    {
        startUnshared(src, dst, bytes, nowNs, tag);
        share();
    }

    /**
     * Starts a flow like {@link #start} but leaves the rates as they were: for several flows starting at one
     * instant (a transfer batch to several peers), followed by one {@link #reshare}. The rates between them are
     * never used (no time passes), and sharing is a function of the set of flows alone, so the flows get exactly
     * the rates that sharing after each start would end with, for one progressive filling instead of one per flow.
     * Nothing may be asked of the network between this and {@link #reshare}.
     */
    public void startUnshared(final int src, final int dst, final long bytes, final long nowNs, final long tag)
    {
        if (src < 0 || src >= nodes || dst < 0 || dst >= nodes)
        {
            throw new IllegalArgumentException("flow endpoints out of range: " + src + " -> " + dst);
        }
        progress(nowNs);
        final int slot = claimSlot();
        if (src == dst)
        {
            linkA[slot] = 2 * nodes + src;
            linkB[slot] = -1;
        }
        else
        {
            linkA[slot] = src;
            linkB[slot] = nodes + dst;
        }
        remaining[slot] = Math.max(bytes, 0);
        sizes[slot] = bytes;
        tags[slot] = tag;
    }

    /** Shares the links among the flows again, after {@link #startUnshared}. */
    public void reshare()
    {
        share();
    }

    /** Absolute time of the next flow completion, or {@link Long#MAX_VALUE} when nothing flows. */
    public long nextCompletionNs()
    {
        double best = Double.MAX_VALUE;
        for (int k = 0; k < liveCount; k++)
        {
            final int i = live[k];
            best = Math.min(best, remaining[i] <= DONE_EPSILON_BYTES ? 0 : remaining[i] / rate[i]);
        }
        if (best == Double.MAX_VALUE)
        {
            return Long.MAX_VALUE;
        }
        return lastUpdateNs + (long)Math.ceil(best);
    }

    /** Moves every flow forward to {@code nowNs}, reports the finished ones, and re-shares the rest. */
    public void advanceTo(final long nowNs, final CompletionSink sink)
    {
        progress(nowNs);
        int done = 0;
        int kept = 0;
        for (int k = 0; k < liveCount; k++)
        {
            final int i = live[k];
            if (remaining[i] <= DONE_EPSILON_BYTES)
            {
                finished[done++] = i;
            }
            else
            {
                live[kept++] = i;
            }
        }
        if (done == 0)
        {
            return;
        }
        liveCount = kept;
        for (int k = 0; k < done; k++)
        {
            final int i = finished[k];
            sink.completed(tags[i], sizes[i]);
        }
        share();
    }

    private void progress(final long nowNs)
    {
        if (nowNs < lastUpdateNs)
        {
            throw new IllegalArgumentException("time went backwards: " + nowNs + " < " + lastUpdateNs);
        }
        final long dt = nowNs - lastUpdateNs;
        if (dt > 0)
        {
            for (int k = 0; k < liveCount; k++)
            {
                final int i = live[k];
                final double moved = Math.min(remaining[i], rate[i] * dt);
                remaining[i] -= moved;
                bytesMoved += moved;
            }
        }
        lastUpdateNs = nowNs;
    }

    /**
     * Progressive filling: repeatedly saturate the link with the smallest fair share (the lowest-numbered link
     * among equal shares). Each round looks only at the links some active flow crosses and at the flows not yet
     * frozen, so that a flow starting or ending for every transfer batch costs what its neighbours do, not what
     * the idle links and slots would. Every round freezes at least one flow, and each frozen flow gives back its
     * count on its links, so the counts are all zero again when the filling ends and the next one starts clean.
     */
    private void share()
    {
        int flowCount = 0;
        int linkCount = 0;
        for (int k = 0; k < liveCount; k++)
        {
            final int i = live[k];
            flowList[flowCount++] = i;
            final int a = linkA[i];
            if (linkUnfrozen[a]++ == 0)
            {
                linkList[linkCount++] = a;
                linkLeft[a] = capacity[a];
            }
            final int b = linkB[i];
            if (b >= 0 && linkUnfrozen[b]++ == 0)
            {
                linkList[linkCount++] = b;
                linkLeft[b] = capacity[b];
            }
        }
        while (flowCount > 0)
        {
            int bottleneck = -1;
            double share = Double.MAX_VALUE;
            int keptLinks = 0;
            for (int k = 0; k < linkCount; k++)
            {
                final int l = linkList[k];
                if (linkUnfrozen[l] > 0)
                {
                    linkList[keptLinks++] = l;
                    final double s = linkLeft[l] / linkUnfrozen[l];
                    if (s < share || s == share && l < bottleneck)
                    {
                        share = s;
                        bottleneck = l;
                    }
                }
            }
            linkCount = keptLinks;
            int keptFlows = 0;
            for (int k = 0; k < flowCount; k++)
            {
                final int i = flowList[k];
                if (linkA[i] == bottleneck || linkB[i] == bottleneck)
                {
                    rate[i] = Math.max(share, 1e-12);
                    linkLeft[linkA[i]] -= share;
                    linkUnfrozen[linkA[i]]--;
                    if (linkB[i] >= 0)
                    {
                        linkLeft[linkB[i]] -= share;
                        linkUnfrozen[linkB[i]]--;
                    }
                }
                else
                {
                    flowList[keptFlows++] = i;
                }
            }
            flowCount = keptFlows;
        }
    }

    /**
     * The lowest idle slot (a new flow's slot, which orders its completion among flows finishing at one instant),
     * entered into {@link #live}: the first gap in the sorted live slots, or the next slot after them.
     */
    private int claimSlot()
    {
        int k = 0;
        while (k < liveCount && live[k] == k)
        {
            k++;
        }
        if (k == slots)
        {
            if (slots == live.length)
            {
                final int n = slots * 2;
                linkA = Arrays.copyOf(linkA, n);
                linkB = Arrays.copyOf(linkB, n);
                remaining = Arrays.copyOf(remaining, n);
                rate = Arrays.copyOf(rate, n);
                tags = Arrays.copyOf(tags, n);
                sizes = Arrays.copyOf(sizes, n);
                finished = Arrays.copyOf(finished, n);
                flowList = Arrays.copyOf(flowList, n);
                live = Arrays.copyOf(live, n);
            }
            slots++;
        }
        System.arraycopy(live, k, live, k + 1, liveCount - k);
        live[k] = k;
        liveCount++;
        return k;
    }
}
