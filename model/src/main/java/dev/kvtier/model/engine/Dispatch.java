package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.NodeId;

/** The router's decision sent to the chosen (prefill or combined) instance; {@code decode} is null unless PD. */
public record Dispatch(InferenceRequest request, NodeId decode) implements Message
{
}
