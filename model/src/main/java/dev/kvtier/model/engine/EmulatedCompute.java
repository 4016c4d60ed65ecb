package dev.kvtier.model.engine;

import dev.kvtier.model.node.NodeContext;

/**
 * A live worker without a GPU: each piece of work waits on the node's timer for the cost model's time times a
 * scale ({@code --compute-time-scale}: 1 waits the modelled time, 0 does not wait, so a run is as fast as its
 * I/O). Decode runs one step per timer, as a real engine's loop does, so the worker looks at its batch after
 * every step; the reported busy time is the time waited.
 */
public final class EmulatedCompute extends TimedCompute
{
    private long passNs;
    private long startNs;

    public EmulatedCompute(final NodeContext ctx, final CostModel cost, final Listener listener,
        final long passTimer, final long copyTimerBase, final double timeScale)
    {
        super(ctx, cost, listener, passTimer, copyTimerBase, timeScale);
    }

    /** Ports that wait {@code timeScale} times the cost model's time. */
    public static Factory factory(final double timeScale)
    {
        return (ctx, cost, listener, passTimer, copyTimerBase) ->
            new EmulatedCompute(ctx, cost, listener, passTimer, copyTimerBase, timeScale);
    }

    @Override
    public void prefill(final long newTokens, final double attentionPairs, final long loadTokens,
        final long syncTokens)
    {
        begin(false, scaled(cost.prefillPassNs(newTokens, attentionPairs, loadTokens, syncTokens)));
    }

    @Override
    public void decode(final int batch, final long contextTokens, final int maxSteps)
    {
        begin(true, scaled(cost.decodeStepNs(batch, contextTokens)));
    }

    private void begin(final boolean decode, final long ns)
    {
        passNs = ns;
        startNs = ctx.now();
        startPass(decode, ns);
    }

    @Override
    public void cutDecode()
    {
        // a decode is one step: it ends at the end of the step in progress anyway
    }

    @Override
    protected long prefillBusyNs()
    {
        return passNs;
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
