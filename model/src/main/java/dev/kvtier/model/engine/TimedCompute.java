package dev.kvtier.model.engine;

import dev.kvtier.model.node.NodeContext;

/**
 * What every compute port that ends its work on the node's own timers shares: one pass timer for the prefill pass
 * or decode in flight, one timer per copy (its id is the copy's tag above a base), and the routing of those timers
 * back to the worker. Subclasses say only how work is stepped (the simulator's epochs, the live emulation's one
 * step per timer), so both finish work the same way; how long a piece of work takes is the cost model's time times
 * one compute time scale ({@link #scaled}), applied here once for both, so a live run and its replay at the same
 * scale wait the same nanoseconds.
 */
public abstract class TimedCompute implements ComputePort, ComputePort.DecodeSteps
{
    protected final NodeContext ctx;
    protected final CostModel cost;
    private final Listener listener;
    private final long passTimer;
    private final long copyTimerBase;
    private final double timeScale;
    private boolean decoding;

    /**
     * Largest compute time scale: a million times the modelled compute already makes a step last minutes; beyond it
     * waits (and the simulator's times) would overflow their nanoseconds. The simulator's cluster config and the
     * live server take the same bound.
     */
    public static final double MAX_SCALE = 1e6;

    /**
     * The rule of a compute time scale, for a caller that checks its settings before it starts a node: 0 (do not
     * wait; a live worker only) up to {@link #MAX_SCALE}.
     */
    public static void requireScale(final double timeScale)
    {
        if (!(timeScale >= 0 && timeScale <= MAX_SCALE))
        {
            throw new IllegalArgumentException("compute time scale must be a number >= 0 and at most "
                + (long)MAX_SCALE + ", got " + timeScale);
        }
    }

    /**
     * @param timeScale every compute time is the cost model's times this (a finite number {@code >= 0}; 1 is the
     *                  model's time exactly, 0 does not wait)
     */
    protected TimedCompute(final NodeContext ctx, final CostModel cost, final Listener listener,
        final long passTimer, final long copyTimerBase, final double timeScale)
    {
        requireScale(timeScale);
        this.timeScale = timeScale;
        this.ctx = ctx;
        this.cost = cost;
        this.listener = listener;
        this.passTimer = passTimer;
        this.copyTimerBase = copyTimerBase;
    }

    /**
     * {@code ns} of the cost model's time as this port waits it: times the compute time scale, rounded to the
     * nearest nanosecond (the model's time itself at scale 1).
     */
    protected final long scaled(final long ns)
    {
        return timeScale == 1 ? ns : Math.round(ns * timeScale);
    }

    /** Starts a pass that ends after {@code ns}: a decode if {@code decode}, else a prefill. */
    protected final void startPass(final boolean decode, final long ns)
    {
        decoding = decode;
        ctx.schedule(ns, passTimer);
    }

    /** Moves the end of the decode in flight to {@code ns} from now. */
    protected final void reschedulePass(final long ns)
    {
        ctx.schedule(ns, passTimer);
    }

    /** The busy time the prefill pass that just ended is charged. */
    protected abstract long prefillBusyNs();

    @Override
    public final void copy(final Copy direction, final long tokens, final long tag)
    {
        final long ns = direction == Copy.HOST_TO_DEVICE ? cost.hostToDeviceNs(tokens) : cost.deviceToHostNs(tokens);
        ctx.schedule(scaled(ns), copyTimerBase + tag);
    }

    @Override
    public final boolean onTimer(final long timerId)
    {
        if (timerId == passTimer)
        {
            if (decoding)
            {
                listener.decodeDone(this);
            }
            else
            {
                listener.prefillDone(prefillBusyNs());
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
}
