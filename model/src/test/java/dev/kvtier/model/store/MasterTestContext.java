package dev.kvtier.model.store;

import dev.kvtier.model.node.MemoryRegion;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.node.TransferBatch;

/** What every test host of a master node shares: its identity, and no bulk data (the master moves none). */
abstract class MasterTestContext implements NodeContext
{
    @Override
    public NodeId self()
    {
        return new NodeId(0, "master");
    }

    @Override
    public int register(final MemoryRegion region)
    {
        throw new AssertionError("the master moves no bulk data");
    }

    @Override
    public void expose(final String segment, final int region, final long baseAddress)
    {
        throw new AssertionError("the master moves no bulk data");
    }

    @Override
    public void transfer(final TransferBatch batch, final long tag)
    {
        throw new AssertionError("the master moves no bulk data");
    }
}
