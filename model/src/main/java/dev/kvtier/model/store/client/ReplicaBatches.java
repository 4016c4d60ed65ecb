package dev.kvtier.model.store.client;

import dev.kvtier.model.node.TransferRequest;
import dev.kvtier.model.store.ReplicaDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the slices of one client operation into one transfer batch per segment, as the transfer engine batches
 * slices per peer, and orders the batches by segment address so that the same operation starts the same
 * transfers in the same order on every run. {@code owners[b]} lists, for batch {@code b}, the index of the value
 * each slice belongs to.
 */
final class ReplicaBatches
{
    final List<List<TransferRequest>> batches = new ArrayList<>();
    final List<int[]> owners = new ArrayList<>();
    final List<Long> bytes = new ArrayList<>();

    private final Map<String, Group> groups = new LinkedHashMap<>();

    private static final class Group
    {
        final long firstAddress;
        final List<TransferRequest> requests = new ArrayList<>();
        int[] owners = new int[8];
        long bytes;

        Group(final long firstAddress)
        {
            this.firstAddress = firstAddress;
        }
    }

    void add(final int owner, final ReplicaDescriptor replica, final LocalSlice slice, final boolean write)
    {
        Group g = groups.get(replica.segmentName());
        if (g == null)
        {
            g = new Group(replica.bufferAddress());
            groups.put(replica.segmentName(), g);
        }
        if (g.requests.size() == g.owners.length)
        {
            g.owners = java.util.Arrays.copyOf(g.owners, g.owners.length * 2);
        }
        g.owners[g.requests.size()] = owner;
        g.requests.add(write
            ? TransferRequest.write(replica.segmentName(), replica.bufferAddress(), slice.region(), slice.offset(),
                replica.size())
            : TransferRequest.read(replica.segmentName(), replica.bufferAddress(), slice.region(), slice.offset(),
                replica.size()));
        g.bytes += replica.size();
    }

    /** Seals the grouping: batches in segment-address order. */
    ReplicaBatches seal()
    {
        final List<Group> ordered = new ArrayList<>(groups.values());
        ordered.sort(Comparator.comparingLong(g -> g.firstAddress));
        for (final Group g : ordered)
        {
            batches.add(g.requests);
            owners.add(java.util.Arrays.copyOf(g.owners, g.requests.size()));
            bytes.add(g.bytes);
        }
        groups.clear();
        return this;
    }

    boolean isEmpty()
    {
        return batches.isEmpty();
    }
}
