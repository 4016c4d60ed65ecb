package dev.kvtier.model.store;

/**
 * Where one replica's bytes are: a writer pushes into, a reader pulls from, {@code [bufferAddress,
 * bufferAddress + size)} of the segment named {@code segmentName}, directly and without the master.
 */
public record ReplicaDescriptor(String segmentName, long bufferAddress, long size, ReplicaStatus status)
{
}
