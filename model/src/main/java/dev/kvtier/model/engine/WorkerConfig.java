package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.node.NodeId;

/**
 * How one serving instance is set up.
 *
 * @param instance             dense index of this instance among all instances (for reports)
 * @param chunkedPrefillTokens token budget of one prefill batch ({@code --chunked-prefill-size})
 * @param maxRunningRequests   cap on requests in the running batch ({@code --max-running-requests})
 * @param master               the store master, or null when no L3 is attached
 * @param segmentBytes         memory this instance contributes to the store (0 = pure client)
 * @param decodeOffload        decode instances write finished conversations' KV to L3
 * @param compute              where the instance's GPU work takes its time (the runtime's adapter)
 * @param memory               where its KV bytes live while they move (the runtime's memory)
 * @param reportProgress       tell the router of every token as it comes out ({@link TokenProgress}), for a
 *                             front end that streams; off in the simulator, whose reports need only the end
 */
public record WorkerConfig(int instance, WorkerRole role, HiCacheConfig cache, int chunkedPrefillTokens,
    int maxRunningRequests, CostModel cost, NodeId router, NodeId master, long segmentBytes,
    boolean decodeOffload, ComputePort.Factory compute, WorkerMemory memory, boolean reportProgress)
{
}
