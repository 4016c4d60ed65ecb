package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.StoreKey;
import dev.kvtier.model.store.client.StoreClient;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The L2 → L3 backup thread of one instance: after a host copy is acknowledged, its pages are written to the
 * store in batches of 128, skipping keys the store already has (Mooncake's {@code batch_set_v1} checks
 * {@code batch_is_exist} first), then sealed with PutEnd; a value whose write failed is revoked by the store client
 * and counted failed, and the backup goes on with the next batch. The host copies stay pinned until the op is done.
 * Also writes decode-offload pages, which have no tree node behind them.
 */
final class BackupController
{
    private record BackupOp(int[] pages, List<StoreKey> rawKeys, boolean pinned)
    {
    }

    private final HiRadixCache cache;
    private final StoreClient store;
    private final KvPages pages;
    private final ArrayDeque<BackupOp> queue = new ArrayDeque<>();
    private boolean busy;
    private long pagesPending;

    long pagesWritten;
    long pagesDeduplicated;
    long pagesFailed;

    /** @param pages where a batch's pages are written from (their bytes prepared there first, where real) */
    BackupController(final HiRadixCache cache, final StoreClient store, final KvPages pages)
    {
        this.cache = cache;
        this.store = store;
        this.pages = pages;
    }

    /** Backs up tree pages of {@code chain} whose host copies just landed; pins them until written. */
    void backup(final int[] pages, final int n, final PageChain chain)
    {
        final int[] copy = java.util.Arrays.copyOf(pages, n);
        for (final int p : copy)
        {
            cache.protectHost(p);
        }
        final List<StoreKey> names = new ArrayList<>(n);
        int at = 0;
        for (final int p : copy)
        {
            // the cache hands pages over in chain order, so each is found at or after the previous one
            at = chain.indexOf(p, at);
            names.add(chain.storeKey(at));
        }
        queue.add(new BackupOp(copy, names, true));
        pagesPending += names.size();
        pump();
    }

    /** Writes pages that exist only as staging (decode offload): no pins, keys given directly. */
    void offload(final List<StoreKey> keys)
    {
        queue.add(new BackupOp(new int[0], keys, false));
        pagesPending += keys.size();
        pump();
    }

    /** Pages queued or being written: they are not (all) in the store yet. */
    long pendingPages()
    {
        return pagesPending;
    }

    /** Whether no backup is queued or being written (nothing pins host pages for it). */
    boolean idle()
    {
        return !busy && queue.isEmpty();
    }

    private void pump()
    {
        if (busy || queue.isEmpty())
        {
            return;
        }
        busy = true;
        writeBatch(queue.poll(), 0);
    }

    private void writeBatch(final BackupOp op, final int from)
    {
        final int to = Math.min(op.rawKeys.size(), from + HiCacheConfig.STORAGE_BATCH_PAGES);
        if (from >= to)
        {
            finish(op);
            return;
        }
        final List<StoreKey> keys = op.rawKeys.subList(from, to);
        store.batchExists(keys, exists ->
        {
            final List<StoreKey> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++)
            {
                if (exists[i] <= 0)
                {
                    missing.add(keys.get(i));
                }
            }
            pagesDeduplicated += keys.size() - missing.size();
            if (missing.isEmpty())
            {
                writeBatch(op, to);
                return;
            }
            store.batchPut(missing, pages.writeSources(missing), ReplicateConfig.defaults(),
                codes ->
                {
                    for (final int code : codes)
                    {
                        if (code == 0)
                        {
                            pagesWritten++;
                        }
                        else
                        {
                            pagesFailed++;
                        }
                    }
                    writeBatch(op, to);
                });
        });
    }

    private void finish(final BackupOp op)
    {
        if (op.pinned)
        {
            for (final int p : op.pages)
            {
                cache.releaseHost(p);
            }
        }
        pagesPending -= op.rawKeys.size();
        busy = false;
        pump();
    }
}
