package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PageChain;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The GPU → host copies of freshly prefilled pages the write policy wants on host. The pages stay locked on the
 * device until their copy ends; then, with an L3 attached, they go on to the backup. Separate from the prefill so
 * that a copy outliving its pass (the common case) needs nothing from the batch that made it.
 */
final class HostWrites
{
    private record HostWrite(int[] pages, PageChain chain)
    {
    }

    private final HiRadixCache cache;
    private final ComputePort compute;
    private final BackupController backup;
    private final WorkerStats stats;
    private final int pageSize;
    private final Map<Long, HostWrite> pending = new HashMap<>();
    private long seq;
    private long backupPagesPending;

    /** @param backup where landed pages go next, or null when they stay on host */
    HostWrites(final HiRadixCache cache, final ComputePort compute, final BackupController backup,
        final WorkerStats stats, final int pageSize)
    {
        this.cache = cache;
        this.compute = compute;
        this.backup = backup;
        this.stats = stats;
        this.pageSize = pageSize;
    }

    /** Copies {@code pages[0, n)} of {@code chain}, which the cache has just begun writing to host. */
    void start(final int[] pages, final int n, final PageChain chain)
    {
        final long tokens = (long)n * pageSize;
        stats.d2hTokens += tokens;
        final long tag = seq++;
        pending.put(tag, new HostWrite(Arrays.copyOf(pages, n), chain));
        if (backup != null)
        {
            backupPagesPending += n;
        }
        compute.copy(ComputePort.Copy.DEVICE_TO_HOST, tokens, tag);
    }

    /** Whether no device → host copy is in flight. */
    boolean idle()
    {
        return pending.isEmpty();
    }

    /** The copy {@code tag} ended. */
    void done(final long tag)
    {
        final HostWrite w = pending.remove(tag);
        cache.endHostWrite(w.pages, w.pages.length);
        if (backup != null)
        {
            backupPagesPending -= w.pages.length;
            backup.backup(w.pages, w.pages.length, w.chain);
        }
    }

    /** Pages whose host copy is in flight and which go on to the backup when it lands (0 without an L3). */
    long backupPagesPending()
    {
        return backupPagesPending;
    }
}
