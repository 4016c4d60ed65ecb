package dev.kvtier.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.LongConsumer;

/**
 * A progress bar on stderr for runs that last more than a moment: it appears only after the first second and only
 * on an interactive terminal, so short runs, pipes and CI logs stay clean. Thread-safe: sweep workers report to
 * one bar.
 */
final class ProgressReporter implements LongConsumer, AutoCloseable
{
    private static final long DELAY_NS = 1_000_000_000L;

    private final String task;
    private final long total;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long done;
    private ProgressBar bar;

    ProgressReporter(final String task, final long total, final boolean allowed)
    {
        this.task = task;
        this.total = total;
        this.enabled = allowed && System.console() != null;
    }

    @Override
    public synchronized void accept(final long amount)
    {
        done += amount;
        if (!enabled)
        {
            return;
        }
        if (bar == null && System.nanoTime() - start > DELAY_NS)
        {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
        }
        if (bar != null)
        {
            bar.stepTo(done);
        }
    }

    @Override
    public synchronized void close()
    {
        if (bar != null)
        {
            bar.stepTo(total);
            bar.close();
        }
    }
}
