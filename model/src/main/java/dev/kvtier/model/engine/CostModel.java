package dev.kvtier.model.engine;

/**
 * How long an instance's GPU work and local copies take. The serving worker asks; the simulator answers from a
 * roofline of the configured GPU and model. Kept as an interface in the model so the worker's scheduling logic
 * never depends on which hardware numbers are plugged in.
 */
public interface CostModel
{
    /**
     * One prefill (extend) forward pass.
     *
     * @param newTokens      tokens computed in the batch
     * @param attentionPairs sum over requests of {@code new × (cached prefix + new / 2)}: query-key pairs attended
     */
    long prefillNs(long newTokens, double attentionPairs);

    /** One decode step of {@code batch} requests whose KV spans {@code contextTokens} tokens in all. */
    long decodeStepNs(int batch, long contextTokens);

    /** Host → GPU copy (load-back) of {@code tokens} tokens of KV across the instance's GPUs. */
    long hostToDeviceNs(long tokens);

    /** GPU → host copy (backup) of {@code tokens} tokens of KV. */
    long deviceToHostNs(long tokens);

    /** KV bytes of {@code tokens} tokens for the whole instance (all TP ranks). */
    long kvBytes(long tokens);

    /**
     * A prefill pass that loads {@code loadTokens} back from host and syncs {@code syncTokens} of write-back to
     * host. The load-back copies layer by layer under the compute of the previous layer, so only its excess
     * shows; the sync does not overlap.
     */
    default long prefillPassNs(final long newTokens, final double attentionPairs, final long loadTokens,
        final long syncTokens)
    {
        final long compute = prefillNs(newTokens, attentionPairs);
        final long load = loadTokens > 0 ? hostToDeviceNs(loadTokens) : 0;
        final long sync = syncTokens > 0 ? deviceToHostNs(syncTokens) : 0;
        return Math.max(compute, load) + sync;
    }
}
