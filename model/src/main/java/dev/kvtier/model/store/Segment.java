package dev.kvtier.model.store;

/**
 * Memory a store service or client contributed to the pool, with the allocator the master keeps for it.
 *
 * @param id       unique id (upstream a UUID)
 * @param name     transfer-engine segment name, {@code host:port}
 * @param base     virtual address of the segment's first byte in its holder
 * @param size     bytes
 * @param clientId the client that mounted it; its death unmounts the segment
 * @param hostId   host the segment lives on, for {@code local_first} placement
 */
public record Segment(long id, String name, long base, long size, long clientId, String hostId)
{
}
