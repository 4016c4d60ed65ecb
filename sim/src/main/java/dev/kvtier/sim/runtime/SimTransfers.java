package dev.kvtier.sim.runtime;

import dev.kvtier.model.network.FlowNetwork;
import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.node.TransferStatus;
import dev.kvtier.sim.fault.FaultPlan;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated data plane of a {@link SimRuntime}: the segments nodes exposed, and their transfer batches carried
 * over a {@link FlowNetwork} until each batch's last flow ends, when its end is queued as an event for the node that
 * started it. Kept apart from the runtime's event stepping because a batch's life (checked against the directory,
 * grouped into flows per peer and direction, failed by a fault plan or a dying peer, its bytes moved at the end) is
 * a concern of its own that only meets the event queue at its start and its end.
 */
final class SimTransfers
{
    private final SimRuntime runtime;
    private final Map<String, Exposed> directory = new HashMap<>();
    private FlowNetwork flows;
    private FaultPlan faults = FaultPlan.NONE;
    private int flowEventSlot = -1;
    private long flowEventTime = Long.MAX_VALUE;
    private int[] transferNode = new int[256];
    private long[] transferLatency = new long[256];
    private PendingBatch[] transferBatch = new PendingBatch[256];
    private int[] freeTransfers = new int[256];
    private int freeTransferCount;
    private int transfersUsed;
    private final FlowNetwork.CompletionSink flowSink = this::flowCompleted;

    SimTransfers(final SimRuntime runtime)
    {
        this.runtime = runtime;
    }

    void useFlowNetwork(final FlowNetwork network)
    {
        this.flows = network;
    }

    void useFaultPlan(final FaultPlan plan)
    {
        this.faults = plan;
    }

    /** Publishes a node's region under a segment name, its first byte at remote address {@code base}. */
    void expose(final int node, final String segment, final MemoryRegion region, final long base)
    {
        directory.put(segment, new Exposed(node, region, base));
    }

    /** Forgets every segment a (dead) node exposed. */
    void forget(final int node)
    {
        directory.values().removeIf(e -> e.node == node);
    }

    /**
     * Checks a batch, groups its bytes per (peer, direction) in the order the groups first appear, and starts one
     * flow per group; the batch ends when its last flow does. Without a flow network it ends at once.
     */
    void start(final int self, final List<MemoryRegion> regions, final TransferBatch batch, final long tag)
    {
        final long now = runtime.now();
        final PendingBatch b = new PendingBatch(self, regions, batch, tag);
        TransferStatus status = TransferStatus.OK;
        int groups = 0;
        int[] peers = null;
        long[] bytes = null;
        boolean[] reads = null;
        String lastSegment = null;
        Exposed remote = null;
        for (int i = 0; i < batch.size(); i++)
        {
            // a batch names one segment (the client groups per segment): look it up once
            final String segment = batch.segment(i);
            if (!segment.equals(lastSegment))
            {
                lastSegment = segment;
                remote = directory.get(lastSegment);
            }
            final int localRegion = batch.localRegion(i);
            final long length = batch.length(i);
            final MemoryRegion local = localRegion >= 0 && localRegion < regions.size()
                ? regions.get(localRegion) : null;
            if (remote == null)
            {
                status = worst(status, TransferStatus.PEER_DEAD);
                continue;
            }
            if (local == null || !local.contains(batch.localOffset(i), length)
                || !remote.region.contains(batch.remoteAddress(i) - remote.base, length))
            {
                status = worst(status, TransferStatus.OUT_OF_RANGE);
                continue;
            }
            b.backed |= local.buffer() != null && remote.region.buffer() != null;
            final boolean read = !batch.isWrite(i);
            int g = 0;
            while (g < groups && (peers[g] != remote.node || reads[g] != read))
            {
                g++;
            }
            if (g == groups)
            {
                if (peers == null)
                {
                    peers = new int[2];
                    bytes = new long[2];
                    reads = new boolean[2];
                }
                else if (groups == peers.length)
                {
                    peers = Arrays.copyOf(peers, groups * 2);
                    bytes = Arrays.copyOf(bytes, groups * 2);
                    reads = Arrays.copyOf(reads, groups * 2);
                }
                peers[g] = remote.node;
                reads[g] = read;
                groups++;
            }
            bytes[g] += length;
        }
        b.status = status;
        b.groups = groups;
        b.peers = peers;
        if (groups > 0 && runtime.nodeFaults())
        {
            b.peerEpochs = new int[groups];
            for (int g = 0; g < groups; g++)
            {
                b.peerEpochs[g] = runtime.epoch(peers[g]);
            }
        }
        if (flows == null || groups == 0)
        {
            for (int g = 0; g < groups; g++)
            {
                b.status = worst(b.status, faults.transferFate(self, peers[g], bytes[g], now));
            }
            b.finish();
            runtime.push(now, runtime.allocate(SimRuntime.TRANSFER_DONE, self, b.status.ordinal(), tag, null));
            return;
        }
        b.flowsLeft = groups;
        for (int g = 0; g < groups; g++)
        {
            b.status = worst(b.status, faults.transferFate(self, peers[g], bytes[g], now));
            final int t = transferSlot();
            transferNode[t] = self;
            transferBatch[t] = b;
            final int src = reads[g] ? peers[g] : self;
            final int dst = reads[g] ? self : peers[g];
            transferLatency[t] = flows.latencyNs(src, dst);
            flows.startUnshared(src, dst, bytes[g], now, t);
        }
        flows.reshare();
        armFlowEvent();
    }

    /** The flow network's event came due: moves the flows on, ends what finished, arms the next event. */
    void onFlowEvent()
    {
        flowEventSlot = -1;
        flowEventTime = Long.MAX_VALUE;
        flows.advanceTo(runtime.now(), flowSink);
        armFlowEvent();
    }

    private static TransferStatus worst(final TransferStatus a, final TransferStatus b)
    {
        return a.ok() ? b : a;
    }

    private int transferSlot()
    {
        if (freeTransferCount > 0)
        {
            return freeTransfers[--freeTransferCount];
        }
        if (transfersUsed == transferNode.length)
        {
            transferNode = Arrays.copyOf(transferNode, transfersUsed * 2);
            transferBatch = Arrays.copyOf(transferBatch, transfersUsed * 2);
            transferLatency = Arrays.copyOf(transferLatency, transfersUsed * 2);
            freeTransfers = Arrays.copyOf(freeTransfers, transfersUsed * 2);
        }
        return transfersUsed++;
    }

    private void flowCompleted(final long tag, final long bytes)
    {
        final int t = (int)tag;
        final PendingBatch b = transferBatch[t];
        transferBatch[t] = null;
        freeTransfers[freeTransferCount++] = t;
        if (--b.flowsLeft > 0)
        {
            return;
        }
        b.finish();
        final int self = transferNode[t];
        final long at = runtime.now() + transferLatency[t];
        final int slot = runtime.allocate(SimRuntime.TRANSFER_DONE, self, b.status.ordinal(), b.tag, null);
        if (runtime.nodeFaults())
        {
            runtime.stampEpoch(slot, b.epoch);
        }
        runtime.push(at, slot);
    }

    private void armFlowEvent()
    {
        final long next = flows.nextCompletionNs();
        if (next == flowEventTime)
        {
            return;
        }
        if (flowEventSlot >= 0)
        {
            runtime.cancelSlot(flowEventSlot);
        }
        flowEventSlot = -1;
        flowEventTime = next;
        if (next != Long.MAX_VALUE)
        {
            flowEventSlot = runtime.allocate(SimRuntime.FLOWS, 0, 0, 0, null);
            runtime.push(Math.max(next, runtime.now()), flowEventSlot);
        }
    }

    /** A segment a node exposed: where its bytes are and which remote address its first byte has. */
    private record Exposed(int node, MemoryRegion region, long base)
    {
    }

    /** A transfer batch in flight: the flows it still waits for and the status it will end with. */
    private final class PendingBatch
    {
        private final List<MemoryRegion> regions;
        private final TransferBatch batch;
        private final long tag;
        private final int epoch;
        private int flowsLeft;
        private TransferStatus status;
        private boolean backed;
        private int groups;
        private int[] peers;
        private int[] peerEpochs;

        PendingBatch(final int self, final List<MemoryRegion> regions, final TransferBatch batch, final long tag)
        {
            this.regions = regions;
            this.batch = batch;
            this.tag = tag;
            this.epoch = runtime.epoch(self);
        }

        /**
         * Moves the bytes of backed regions as the batch ends: all of them, or on a failed batch at most the first
         * half of each write (a torn write) and nothing of a read. A peer that died meanwhile fails the batch.
         */
        void finish()
        {
            for (int g = 0; peerEpochs != null && g < groups; g++)
            {
                if (runtime.dead(peers[g]) || runtime.epoch(peers[g]) != peerEpochs[g])
                {
                    status = worst(status, TransferStatus.PEER_DEAD);
                }
            }
            if (!backed)
            {
                return;
            }
            for (int i = 0; i < batch.size(); i++)
            {
                final Exposed remote = directory.get(batch.segment(i));
                final int localRegion = batch.localRegion(i);
                if (remote == null || localRegion < 0 || localRegion >= regions.size())
                {
                    continue;
                }
                final MemoryRegion local = regions.get(localRegion);
                final long localOffset = batch.localOffset(i);
                final long length = batch.length(i);
                final long remoteOffset = batch.remoteAddress(i) - remote.base;
                if (local.buffer() == null || remote.region.buffer() == null || !local.contains(localOffset, length)
                    || !remote.region.contains(remoteOffset, length))
                {
                    continue;
                }
                final boolean write = batch.isWrite(i);
                if (!status.ok() && !write)
                {
                    continue;
                }
                final long n = status.ok() ? length : length / 2;
                final ByteBuffer from = write ? local.buffer() : remote.region.buffer();
                final ByteBuffer to = write ? remote.region.buffer() : local.buffer();
                final int fromOffset = (int)(write ? localOffset : remoteOffset);
                final int toOffset = (int)(write ? remoteOffset : localOffset);
                to.put(toOffset, from, fromOffset, (int)n);
            }
        }
    }
}
