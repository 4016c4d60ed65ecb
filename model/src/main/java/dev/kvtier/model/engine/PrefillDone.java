package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;

/** A prefill instance finished a request's prefill: the router's in-flight count for it drops. */
public record PrefillDone(long requestId) implements Message
{
}
