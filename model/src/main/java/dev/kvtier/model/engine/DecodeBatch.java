package dev.kvtier.model.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The running batch of a worker that decodes: each decode asks the compute port for the steps until its first
 * request finishes, then advances every request by the steps that ran, records the gaps between their tokens,
 * and finishes those that are done. How many steps a decode takes at once is the port's business.
 *
 * <p>A decode costs O(1) plus the requests that joined or finished since the last one, not O(batch): under
 * overload the port ends a decode at every arrival, a step or two at a time, and a batch of hundreds walked
 * per decode was most of the event loop. The batch counts its steps on one clock; a request's progress is where
 * the clock stood when it joined (its finishing step is kept in a heap, so the next finish is the heap's top), the
 * sum of the running contexts is kept as the clock moves, and the requests that were all in the previous decode
 * share one gap to their next token (recorded once with their count). A request's {@code generated} is brought
 * up to date when it finishes, or at every decode when the worker reports progress.
 */
final class DecodeBatch
{
    private static final Comparator<Job> BY_BATCH_SLOT = Comparator.comparingInt(job -> job.batchSlot);

    /** In join order: the order requests finish in when several finish in one decode. */
    private final RunningBatch running = new RunningBatch();
    /** The running requests by the batch step at which each has made all its output. */
    private final DoneStepHeap byDoneStep = new DoneStepHeap();
    /** Requests that joined since the last decode ended; the others' latest token came out at its end. */
    private final List<Job> joined = new ArrayList<>();
    private final ServingWorker worker;
    private final ComputePort compute;
    private final WorkerStats stats;
    private final boolean reportsProgress;
    /** Decode steps this batch has run. */
    private long stepClock;
    /** Sum over the running requests of prompt plus generated tokens. */
    private long context;
    /** When the last decode's last step ended: the latest token of every request in the batch but {@link #joined}. */
    private long lastDecodeEndNs;

    DecodeBatch(final ServingWorker worker, final ComputePort compute, final WorkerStats stats,
        final boolean reportsProgress)
    {
        this.worker = worker;
        this.compute = compute;
        this.stats = stats;
        this.reportsProgress = reportsProgress;
    }

    void add(final Job job)
    {
        running.add(job);
        joined.add(job);
        job.doneAtStep = stepClock + job.remainingOutput();
        byDoneStep.add(job, job.doneAtStep);
        context += job.request.inputTokens() + job.generated;
    }

    int size()
    {
        return running.size();
    }

    boolean isEmpty()
    {
        return running.isEmpty();
    }

    void start()
    {
        final long untilFirstDone = byDoneStep.isEmpty() ? Integer.MAX_VALUE : byDoneStep.minStep() - stepClock;
        compute.decode(running.size(), context, (int)Math.max(Math.min(untilFirstDone, Integer.MAX_VALUE), 1));
    }

    void finish(final ComputePort.DecodeSteps done)
    {
        final int steps = done.steps();
        stats.decodeSteps += steps;
        stats.decodeTokens += (long)steps * running.size();
        stats.decodeBusyNs += done.stepEndNs(steps - 1);
        recordTokenGaps(done);
        stepClock += steps;
        context += (long)steps * running.size();
        if (reportsProgress)
        {
            for (int i = 0; i < running.slots(); i++)
            {
                final Job job = running.at(i);
                if (job != null)
                {
                    job.generated = generated(job);
                }
            }
        }
        if (byDoneStep.isEmpty() || byDoneStep.minStep() > stepClock)
        {
            reportProgress();
            return;
        }
        final List<Job> finished = new ArrayList<>();
        while (!byDoneStep.isEmpty() && byDoneStep.minStep() <= stepClock)
        {
            finished.add(byDoneStep.poll());
        }
        // several finishing in one decode finish in join order, the batch's order
        finished.sort(BY_BATCH_SLOT);
        for (final Job job : finished)
        {
            job.generated = generated(job);
            job.lastTokenNs = lastDecodeEndNs;
            context -= job.request.inputTokens() + job.generated;
            running.remove(job.batchSlot);
        }
        reportProgress();
        for (final Job job : finished)
        {
            worker.finishJob(job);
        }
    }

    private int generated(final Job job)
    {
        return (int)(job.request.outputTokens() - (job.doneAtStep - stepClock));
    }

    private void reportProgress()
    {
        if (reportsProgress)
        {
            for (int i = 0; i < running.slots(); i++)
            {
                final Job job = running.at(i);
                if (job != null)
                {
                    worker.reportProgress(job);
                }
            }
        }
    }

    /**
     * Each running request's gaps between tokens over the decode's steps: the requests that were in the last
     * decode share their first gap (counted once for all of them), those that joined since have their own.
     */
    private void recordTokenGaps(final ComputePort.DecodeSteps done)
    {
        final int steps = done.steps();
        final long start = done.startNs();
        final long firstStepEnd = start + done.stepEndNs(0);
        final int previous = running.size() - joined.size();
        if (previous > 0)
        {
            stats.tokenItlUs.recordValueWithCount(Math.max(1, (firstStepEnd - lastDecodeEndNs) / 1000), previous);
        }
        for (final Job job : joined)
        {
            stats.tokenItlUs.recordValue(Math.max(1, (firstStepEnd - job.lastTokenNs) / 1000));
        }
        joined.clear();
        lastDecodeEndNs = start + done.stepEndNs(steps - 1);
        for (int k = 1; k < steps; k++)
        {
            stats.tokenItlUs.recordValueWithCount(Math.max(1, (done.stepEndNs(k) - done.stepEndNs(k - 1)) / 1000),
                running.size());
        }
    }
}
