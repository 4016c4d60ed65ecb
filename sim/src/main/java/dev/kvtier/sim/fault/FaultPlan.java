package dev.kvtier.sim.fault;

import dev.kvtier.model.node.TransferStatus;

/**
 * What goes wrong in a simulated run. The simulator asks the plan for the fate of every transfer batch as it
 * starts; deaths and restarts of whole nodes are scheduled on the runtime ({@code SimRuntime.crash},
 * {@code restart}). A plan must be deterministic in the order it is asked, so that a seed reproduces a run.
 */
public interface FaultPlan
{
    /** No faults: every transfer to a live peer succeeds. */
    FaultPlan NONE = (from, to, bytes, nowNs) -> TransferStatus.OK;

    /**
     * The status the batch from node {@code from} to node {@code to} ends with; a failed batch still takes its
     * time on the links, and a failed write leaves part of its bytes behind.
     */
    TransferStatus transferFate(int from, int to, long bytes, long nowNs);
}
