package dev.kvtier.model.engine;

import dev.kvtier.model.node.NodeContext;

/**
 * A live worker without a GPU: each piece of work waits on the node's timer for the cost model's time times a
 * scale ({@code --compute-time-scale}: 1 waits the modelled time, 0 does not wait, so a run is as fast as its
 * I/O). Decode runs one step per timer, as a real engine's loop does, so the worker looks at its batch after
 * every step; the reported busy time is the time waited.
 */
public final class EmulatedCompute implements ComputePort, ComputePort.DecodeSteps
{
    private final NodeContext ctx;
    private final CostModel cost;
    private final Listener listener;
    private final long passTimer;
    private final long copyTimerBase;
    private final double timeScale;

    private boolean decoding;
    private long passNs;
    private long startNs;

    public EmulatedCompute(final NodeContext ctx, final CostModel cost, final Listener listener,
        final long passTimer, final long copyTimerBase, final double timeScale)
    {
        if (!(timeScale >= 0) || Double.isInfinite(timeScale))
        {
            throw new IllegalArgumentException("compute time scale must be a finite number >= 0, got " + timeScale);
        }
        this.ctx = ctx;
        this.cost = cost;
        this.listener = listener;
        this.passTimer = passTimer;
        this.copyTimerBase = copyTimerBase;
        this.timeScale = timeScale;
    }

    /** Ports that wait {@code timeScale} times the cost model's time. */
    public static Factory factory(final double timeScale)
    {
        return (ctx, cost, listener, passTimer, copyTimerBase) ->
            new EmulatedCompute(ctx, cost, listener, passTimer, copyTimerBase, timeScale);
    }

    private long scaled(final long ns)
    {
        return timeScale == 1.0 ? ns : (long)(ns * timeScale);
    }

    @Override
    public void prefill(final long newTokens, final double attentionPairs, final long loadTokens,
        final long syncTokens)
    {
        startPass(false, scaled(cost.prefillPassNs(newTokens, attentionPairs, loadTokens, syncTokens)));
    }

    @Override
    public void decode(final int batch, final long contextTokens, final int maxSteps)
    {
        startPass(true, scaled(cost.decodeStepNs(batch, contextTokens)));
    }

    private void startPass(final boolean decode, final long ns)
    {
        decoding = decode;
        passNs = ns;
        startNs = ctx.now();
        ctx.schedule(ns, passTimer);
    }

    @Override
    public void cutDecode()
    {
        // a decode is one step: it ends at the end of the step in progress anyway
    }

    @Override
    public void copy(final Copy direction, final long tokens, final long tag)
    {
        final long ns = direction == Copy.HOST_TO_DEVICE ? cost.hostToDeviceNs(tokens) : cost.deviceToHostNs(tokens);
        ctx.schedule(scaled(ns), copyTimerBase + tag);
    }

    @Override
    public boolean onTimer(final long timerId)
    {
        if (timerId == passTimer)
        {
            if (decoding)
            {
                listener.decodeDone(this);
            }
            else
            {
                listener.prefillDone(passNs);
            }
            return true;
        }
        if (timerId >= copyTimerBase)
        {
            listener.copyDone(timerId - copyTimerBase);
            return true;
        }
        return false;
    }

    @Override
    public int steps()
    {
        return 1;
    }

    @Override
    public long startNs()
    {
        return startNs;
    }

    @Override
    public long stepEndNs(final int step)
    {
        return passNs;
    }
}
