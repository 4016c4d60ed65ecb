package dev.kvtier.model.store.client;

import dev.kvtier.model.node.TransferBatch;
import dev.kvtier.model.store.ReplicaDescriptor;

import java.util.Arrays;

/**
 * Groups the slices of one client operation into one transfer batch per segment, as the transfer engine batches
 * slices per peer, and orders the batches by segment address so that the same operation starts the same
 * transfers in the same order on every run. {@code owners[b]} lists, for batch {@code b}, the index of the value
 * each slice belongs to. A cluster has tens of segments and an operation touches each once, so groups are found
 * by a scan of their segment names (the master hands out one name string per segment, so the scan compares
 * references) rather than through a map.
 */
final class ReplicaBatches
{
    /** The sealed batches in segment-address order; {@code count} of them. */
    TransferBatch[] batches = new TransferBatch[0];
    int[][] owners = new int[0][];
    int count;

    private String[] names = new String[4];
    private long[] firstAddresses = new long[4];
    private TransferBatch[] groups = new TransferBatch[4];
    private int[][] groupOwners = new int[4][];
    private int groupCount;

    void add(final int owner, final ReplicaDescriptor replica, final LocalSlice slice, final boolean write)
    {
        final int g = group(replica);
        final TransferBatch batch = groups[g];
        final int at = batch.size();
        if (at == groupOwners[g].length)
        {
            groupOwners[g] = Arrays.copyOf(groupOwners[g], at * 2);
        }
        groupOwners[g][at] = owner;
        batch.add(write, replica.segmentName(), replica.bufferAddress(), slice.region(), slice.offset(),
            replica.size());
    }

    private int group(final ReplicaDescriptor replica)
    {
        final String name = replica.segmentName();
        for (int g = 0; g < groupCount; g++)
        {
            if (names[g] == name)
            {
                return g;
            }
        }
        for (int g = 0; g < groupCount; g++)
        {
            if (names[g].equals(name))
            {
                return g;
            }
        }
        if (groupCount == names.length)
        {
            final int n = groupCount * 2;
            names = Arrays.copyOf(names, n);
            firstAddresses = Arrays.copyOf(firstAddresses, n);
            groups = Arrays.copyOf(groups, n);
            groupOwners = Arrays.copyOf(groupOwners, n);
        }
        final int g = groupCount++;
        names[g] = name;
        firstAddresses[g] = replica.bufferAddress();
        groups[g] = new TransferBatch(8);
        groupOwners[g] = new int[8];
        return g;
    }

    /** Seals the grouping: batches in segment-address order (a stable sort, as groups first appeared on ties). */
    ReplicaBatches seal()
    {
        final int n = groupCount;
        final int[] order = new int[n];
        for (int g = 0; g < n; g++)
        {
            // insertion sort: stable, and an operation has tens of groups at most
            int k = g;
            while (k > 0 && firstAddresses[order[k - 1]] > firstAddresses[g])
            {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = g;
        }
        batches = new TransferBatch[n];
        owners = new int[n][];
        for (int k = 0; k < n; k++)
        {
            final int g = order[k];
            batches[k] = groups[g];
            owners[k] = Arrays.copyOf(groupOwners[g], groups[g].size());
        }
        count = n;
        groupCount = 0;
        return this;
    }

    boolean isEmpty()
    {
        return count == 0;
    }
}
