package dev.kvtier.sim.serving;

import dev.kvtier.model.engine.TimedCompute;
import dev.kvtier.model.engine.CostModel;
import dev.kvtier.model.node.NodeContext;

import java.util.Arrays;

/**
 * The simulator's compute: every piece of work takes the cost model's time on the node's timers, and decode is
 * stepped in epochs. The steps until the batch's first request finishes are costed in one go and end in one
 * timer; a cut (an arrival, a finished prefetch: anything that could change the batch) ends the epoch at the end
 * of the step in progress. The worker sees the same steps at the same times as with one event per step, at a
 * fraction of the events.
 */
public final class EpochCompute extends TimedCompute
{
    /** Opens an epoch-stepping port for each worker, at the cost model's times. */
    public static final Factory FACTORY = factory(1);

    private long prefillNs;
    /** End of each step of the epoch, since its start. */
    private long[] cumulative = new long[1024];
    private long epochStartNs;
    private int epochSteps;

    public EpochCompute(final NodeContext ctx, final CostModel cost, final Listener listener, final long passTimer,
        final long copyTimerBase)
    {
        this(ctx, cost, listener, passTimer, copyTimerBase, 1);
    }

    private EpochCompute(final NodeContext ctx, final CostModel cost, final Listener listener, final long passTimer,
        final long copyTimerBase, final double timeScale)
    {
        super(ctx, cost, listener, passTimer, copyTimerBase, timeScale);
    }

    /**
     * Opens an epoch-stepping port for each worker whose every compute time is the cost model's times {@code
     * timeScale} (the cluster config's {@code serving.compute_time_scale}; 1 is the model's time exactly).
     */
    public static Factory factory(final double timeScale)
    {
        if (!(timeScale > 0) || Double.isInfinite(timeScale))
        {
            throw new IllegalArgumentException("compute time scale must be a finite number > 0, got " + timeScale);
        }
        return (ctx, cost, listener, passTimer, copyTimerBase) -> new EpochCompute(ctx, cost, listener, passTimer,
            copyTimerBase, timeScale);
    }

    @Override
    public void prefill(final long newTokens, final double attentionPairs, final long loadTokens,
        final long syncTokens)
    {
        prefillNs = scaled(cost.prefillPassNs(newTokens, attentionPairs, loadTokens, syncTokens));
        startPass(false, prefillNs);
    }

    @Override
    public void decode(final int batch, final long contextTokens, final int maxSteps)
    {
        final int steps = Math.max(maxSteps, 1);
        if (cumulative.length < steps)
        {
            cumulative = new long[Math.max(steps, cumulative.length * 2)];
        }
        long t = 0;
        for (int k = 0; k < steps; k++)
        {
            t += scaled(cost.decodeStepNs(batch, contextTokens + (long)k * batch));
            cumulative[k] = t;
        }
        epochStartNs = ctx.now();
        epochSteps = steps;
        startPass(true, t);
    }

    @Override
    public void cutDecode()
    {
        final long elapsed = ctx.now() - epochStartNs;
        int k = Arrays.binarySearch(cumulative, 0, epochSteps, elapsed);
        if (k < 0)
        {
            k = -k - 1;
        }
        final int steps = Math.min(k + 1, epochSteps);
        if (steps < epochSteps)
        {
            epochSteps = steps;
            reschedulePass(epochStartNs + cumulative[steps - 1] - ctx.now());
        }
    }

    @Override
    protected long prefillBusyNs()
    {
        return prefillNs;
    }

    @Override
    public int steps()
    {
        return epochSteps;
    }

    @Override
    public long startNs()
    {
        return epochStartNs;
    }

    @Override
    public long stepEndNs(final int step)
    {
        return cumulative[step];
    }
}
