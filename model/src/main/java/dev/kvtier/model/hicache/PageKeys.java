package dev.kvtier.model.hicache;

/**
 * The L3 key of a page: SGLang's page hash (hex SHA-256 of the prefix chain). Pages travel between nodes as dense
 * ids; whoever built them knows their hashes and answers here, so a node never rehashes a prefix it has seen.
 */
@FunctionalInterface
public interface PageKeys
{
    String key(int pageId);
}
