package dev.kvtier.model.engine;

import dev.kvtier.model.node.NodeContext;

/**
 * What every compute port that ends its work on the node's own timers shares: one pass timer for the prefill pass
 * or decode in flight, one timer per copy (its id is the copy's tag above a base), and the routing of those timers
 * back to the worker. Subclasses say only how long work takes (the simulator's epochs, the live emulation's scaled
 * steps), so both finish work the same way.
 */
public abstract class TimedCompute implements ComputePort, ComputePort.DecodeSteps
{
    protected final NodeContext ctx;
    protected final CostModel cost;
    private final Listener listener;
    private final long passTimer;
    private final long copyTimerBase;
    private boolean decoding;

    protected TimedCompute(final NodeContext ctx, final CostModel cost, final Listener listener,
        final long passTimer, final long copyTimerBase)
    {
        this.ctx = ctx;
        this.cost = cost;
        this.listener = listener;
        this.passTimer = passTimer;
        this.copyTimerBase = copyTimerBase;
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

    /** How long a copy of {@code ns} modelled nanoseconds takes here. */
    protected abstract long copyNs(long ns);

    /** The busy time the prefill pass that just ended is charged. */
    protected abstract long prefillBusyNs();

    @Override
    public final void copy(final Copy direction, final long tokens, final long tag)
    {
        final long ns = direction == Copy.HOST_TO_DEVICE ? cost.hostToDeviceNs(tokens) : cost.deviceToHostNs(tokens);
        ctx.schedule(copyNs(ns), copyTimerBase + tag);
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
