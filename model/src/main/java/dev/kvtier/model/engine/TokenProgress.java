package dev.kvtier.model.engine;

import dev.kvtier.model.node.Message;

/**
 * Tokens of a request have come out: {@code generated} output tokens in all, the latest at {@code atNs}. Sent to
 * the router only by workers configured to report progress, so a streaming front end can pass each token on as it
 * is made instead of at the end.
 */
public record TokenProgress(long requestId, int generated, long atNs) implements Message
{
}
