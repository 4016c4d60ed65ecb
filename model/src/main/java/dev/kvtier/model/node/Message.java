package dev.kvtier.model.node;

/**
 * Anything one node sends another. Messages are immutable values: the sim runtime hands the same instance to the
 * receiver, and the live runtime encodes it on the wire, so a node must never mutate one after sending it.
 */
public interface Message
{
}
