package dev.kvtier.live.bench;

/**
 * Where a serving benchmark's requests come from and when the sender tries to send them. The sender waits for the
 * due time, then for a free slot under {@code --max-parallel}, then polls; a poll may find nothing ready (a
 * multi-turn workload whose next turns all wait for answers), which spends that attempt. Called from the sender's
 * thread ({@link #nextDueNs}, {@link #poll}) and from the HTTP client's threads ({@link #completed}), so
 * implementations are thread-safe.
 */
public interface LoadSource
{
    /** Requests the run sends if none fails: the progress bar's total. */
    long planned();

    /**
     * When to try next, in nanoseconds from the start of the run.
     *
     * @param lastDueNs when the previous attempt was due, or -1 before the first
     * @return the next attempt's due time, or -1 when there will be none
     */
    long nextDueNs(long lastDueNs);

    /** The request to send now, or null if none is ready. */
    BenchRequest poll();

    /**
     * A sent request came back.
     *
     * @return how many planned requests will now never be sent (a failed turn ends its conversation)
     */
    long completed(BenchRequest request, GenerateOutcome outcome);

    /** Whether everything that will ever be sent has been sent and has come back. */
    boolean exhausted();
}
