package dev.kvtier.model.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The running batch of a worker that decodes: each decode asks the compute port for the steps until its first
 * request finishes, then advances every request by the steps that ran, records the gaps between their tokens,
 * and finishes those that are done. How many steps a decode takes at once is the port's business.
 */
final class DecodeBatch
{
    private final List<Job> running = new ArrayList<>();
    private final ServingWorker worker;
    private final ComputePort compute;
    private final WorkerStats stats;

    DecodeBatch(final ServingWorker worker, final ComputePort compute, final WorkerStats stats)
    {
        this.worker = worker;
        this.compute = compute;
        this.stats = stats;
    }

    void add(final Job job)
    {
        running.add(job);
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
        long context = 0;
        int steps = Integer.MAX_VALUE;
        for (final Job job : running)
        {
            context += job.request.inputTokens() + job.generated;
            steps = Math.min(steps, job.remainingOutput());
        }
        compute.decode(running.size(), context, Math.max(steps, 1));
    }

    void finish(final ComputePort.DecodeSteps done)
    {
        final int steps = done.steps();
        stats.decodeSteps += steps;
        stats.decodeTokens += (long)steps * running.size();
        stats.decodeBusyNs += done.stepEndNs(steps - 1);
        recordTokenGaps(done);
        int kept = 0;
        final List<Job> finished = new ArrayList<>();
        for (final Job job : running)
        {
            job.generated += steps;
            if (job.remainingOutput() <= 0)
            {
                finished.add(job);
            }
            else
            {
                running.set(kept++, job);
                worker.reportProgress(job);
            }
        }
        running.subList(kept, running.size()).clear();
        for (final Job job : finished)
        {
            worker.finishJob(job);
        }
    }

    /** Each running request's gaps between tokens over the decode's steps. */
    private void recordTokenGaps(final ComputePort.DecodeSteps done)
    {
        final int steps = done.steps();
        final long start = done.startNs();
        final long firstStepEnd = start + done.stepEndNs(0);
        for (final Job job : running)
        {
            stats.tokenItlUs.recordValue(Math.max(1, (firstStepEnd - job.lastTokenNs) / 1000));
            job.lastTokenNs = start + done.stepEndNs(steps - 1);
        }
        for (int k = 1; k < steps; k++)
        {
            stats.tokenItlUs.recordValueWithCount(Math.max(1, (done.stepEndNs(k) - done.stepEndNs(k - 1)) / 1000),
                running.size());
        }
    }
}
