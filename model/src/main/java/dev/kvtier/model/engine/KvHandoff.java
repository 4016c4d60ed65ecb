package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;

/** Prefill → decode: the request's KV has landed in the decode instance; {@code record} carries prefill's part. */
public record KvHandoff(InferenceRequest request, RequestRecord record) implements Message
{
}
