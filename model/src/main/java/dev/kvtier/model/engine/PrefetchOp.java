package dev.kvtier.model.engine;

/** One L3 → host prefetch: the unmatched tail {@code [start, start + requested)} of a request's page chain. */
final class PrefetchOp
{
    final Job job;
    final int start;
    final int requested;
    final int anchorPage;
    final long startNs;
    long reservedPages;
    int hitPages = -1;
    int completedPages;
    boolean terminated;
    boolean ioFinished;

    PrefetchOp(final Job job, final int start, final int requested, final int anchorPage, final long startNs)
    {
        this.job = job;
        this.start = start;
        this.requested = requested;
        this.anchorPage = anchorPage;
        this.startNs = startNs;
        this.reservedPages = requested;
    }

    boolean hitKnown()
    {
        return hitPages >= 0;
    }

    /** All L3-hit pages arrived (the "completed" of the termination policies; an empty hit never completes). */
    boolean complete()
    {
        return hitPages > 0 && completedPages == hitPages;
    }
}
