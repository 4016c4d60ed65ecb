package dev.kvtier.model.node.input;

/**
 * A timer the node had scheduled fired. Only fires that reached the node are inputs: a replaced or cancelled
 * timer never is, so a replayer takes timers from the recording and not from the node's schedule calls.
 *
 * @param timeNs  when it fired (at or after its deadline)
 * @param timerId the node's id for it
 */
public record TimerFired(long timeNs, long timerId) implements NodeInput
{
}
