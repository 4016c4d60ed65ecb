package dev.kvtier.model.engine;

import dev.kvtier.model.node.NodeContext;

/**
 * Where a serving worker's GPU work takes its time: a prefill pass, decode steps and copies between the device
 * and host tiers. The worker decides what runs; the port decides how long it takes and tells the worker when it
 * ends, so the same scheduling code runs under the simulator (which charges a cost model and folds quiet decode
 * steps into one event), under a live process that emulates the GPU on the node's timers, and later on a device.
 *
 * <p>The port belongs to the serving engine rather than to {@link NodeContext}: only serving workers compute, and
 * the work is described in serving terms (tokens, attention pairs, a decode batch). The adapters so far end work
 * on the node's own timers, so every completion already reaches the node as a timer input that the runtime's
 * input tap records and a replay reproduces.
 *
 * <p>One pass (prefill or decode) runs at a time; copies run beside it and beside each other. Completions arrive
 * on the node's thread through {@link #onTimer(long)}, which the worker hands every timer it does not own.
 */
public interface ComputePort
{
    /** Directions of a copy between the instance's GPU memory and its host memory. */
    enum Copy
    {
        HOST_TO_DEVICE, DEVICE_TO_HOST
    }

    /** Told when work ends, from inside {@link #onTimer(long)}. */
    interface Listener
    {
        /** The prefill pass ended after {@code busyNs} of GPU time. */
        void prefillDone(long busyNs);

        /** The decode ended; {@code steps} is valid only during this call. */
        void decodeDone(DecodeSteps steps);

        /** The copy started with {@code tag} ended. */
        void copyDone(long tag);
    }

    /** The steps a decode ran, for per-token timing: step {@code k} ended {@code stepEndNs(k)} after the start. */
    interface DecodeSteps
    {
        int steps();

        long startNs();

        long stepEndNs(int step);
    }

    /** Opens a port for one worker, on the timer ids the worker leaves to it. */
    @FunctionalInterface
    interface Factory
    {
        /**
         * @param passTimer     the timer id that ends passes
         * @param copyTimerBase copies end on {@code copyTimerBase + tag}; the ids above it are the port's
         */
        ComputePort open(NodeContext ctx, CostModel cost, Listener listener, long passTimer, long copyTimerBase);
    }

    /**
     * Starts a prefill pass over {@code newTokens} tokens that first loads {@code loadTokens} back from host and
     * syncs {@code syncTokens} written back to host (see {@link CostModel#prefillPassNs}).
     */
    void prefill(long newTokens, double attentionPairs, long loadTokens, long syncTokens);

    /**
     * Starts decoding a batch of {@code batch} requests whose KV spans {@code contextTokens} tokens, each step
     * adding one token per request. The port runs at least one step and at most {@code maxSteps}, the steps
     * until the first request of the batch finishes.
     */
    void decode(int batch, long contextTokens, int maxSteps);

    /** Something may change the batch: end the decode at the end of the step in progress. */
    void cutDecode();

    /** Starts a copy of {@code tokens} tokens of KV; ends with {@link Listener#copyDone(long)} for {@code tag}. */
    void copy(Copy direction, long tokens, long tag);

    /** Hands the port a timer of the node's; returns false if it is not the port's. */
    boolean onTimer(long timerId);
}
