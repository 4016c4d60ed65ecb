package dev.kvtier.model.store;

/** Lifecycle of a replica: PutStart makes it PROCESSING, PutEnd COMPLETE (readable). */
public enum ReplicaStatus
{
    PROCESSING, COMPLETE
}
