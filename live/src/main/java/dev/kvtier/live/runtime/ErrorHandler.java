package dev.kvtier.live.runtime;

import dev.kvtier.model.node.NodeId;

/**
 * Where an exception a node throws goes, as Agrona's {@code ErrorHandler} is for an agent: the runner has
 * already counted it in {@link NodeRunner#errors()} and goes on with the next event, so one bad input never stops
 * a node, and the handler decides what else happens (log, alert, fail a test). Called on the node's thread.
 */
@FunctionalInterface
public interface ErrorHandler
{
    /** The default: the node's name, the exception and its stack trace at ERROR. */
    ErrorHandler LOG = (node, error) -> System.getLogger(NodeRunner.class.getName())
        .log(System.Logger.Level.ERROR, "node " + node.name() + " failed on an input: " + error, error);

    void onError(NodeId node, Throwable error);
}
