package dev.kvtier.model.node.input;

import dev.kvtier.model.node.NodeId;

/**
 * Where a runtime copies each node's inputs: a recorder (e.g. a Chronicle Queue), a replica that applies them,
 * a test. Called on the node's thread just before the node handles the input, in the node's order, so it must be
 * quick and must not throw: whatever it does delays the node, and an input it fails on is one the node still takes.
 */
@FunctionalInterface
public interface InputTap
{
    void onInput(NodeId node, NodeInput input);
}
