package dev.kvtier.model.node;

/**
 * Address of a node inside one runtime. The index is dense (assigned in the order nodes are added), so runtimes
 * can keep per-node state in arrays; the name is for logs and reports.
 */
public record NodeId(int index, String name)
{
    @Override
    public String toString()
    {
        return name + "#" + index;
    }
}
