package dev.kvtier.model.routing;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;

/**
 * Tells the router an instance is (again) able to take requests, or is not: a live router's health checks and
 * failed forwards say so. A healthy instance the router does not know yet joins it (sgl-router's
 * {@code POST /workers}); an unhealthy one is routed around until it is healthy again.
 */
public record InstanceHealth(NodeId instance, boolean healthy) implements Message
{
}
