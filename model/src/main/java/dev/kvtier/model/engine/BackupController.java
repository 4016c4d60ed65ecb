package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.PageKeys;
import dev.kvtier.model.hicache.StoreClient;
import dev.kvtier.model.store.MasterRequest;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.ReplicateConfig;
import dev.kvtier.model.store.Result;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The L2 → L3 backup thread of one instance: after a host copy is acknowledged, its pages are written to the
 * store in batches of 128, skipping keys the store already has (Mooncake's {@code batch_set_v1} checks
 * {@code batch_is_exist} first), then sealed with PutEnd. The host copies stay pinned until the batch is done.
 * Also writes decode-offload pages, which have no tree node behind them.
 */
final class BackupController
{
    private record BackupOp(int[] pages, PageKeys keys, List<String> rawKeys, boolean pinned)
    {
    }

    private final HiRadixCache cache;
    private final StoreClient store;
    private final long pageBytes;
    private final ArrayDeque<BackupOp> queue = new ArrayDeque<>();
    private boolean busy;

    long pagesWritten;
    long pagesDeduplicated;
    long pagesFailed;

    BackupController(final HiRadixCache cache, final StoreClient store, final long pageBytes)
    {
        this.cache = cache;
        this.store = store;
        this.pageBytes = pageBytes;
    }

    /** Backs up tree pages whose host copies just landed; pins them until written. */
    void backup(final int[] pages, final int n, final PageKeys keys)
    {
        final int[] copy = java.util.Arrays.copyOf(pages, n);
        for (final int p : copy)
        {
            cache.protectHost(p);
        }
        final List<String> names = new ArrayList<>(n);
        for (final int p : copy)
        {
            names.add(keys.key(p));
        }
        queue.add(new BackupOp(copy, keys, names, true));
        pump();
    }

    /** Writes pages that exist only as staging (decode offload): no pins, keys given directly. */
    void offload(final List<String> keys)
    {
        queue.add(new BackupOp(new int[0], null, keys, false));
        pump();
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
        final List<String> keys = op.rawKeys.subList(from, to);
        store.call(id -> new MasterRequest.BatchExistKey(id, keys), existReply ->
        {
            @SuppressWarnings("unchecked")
            final List<Boolean> exists = (List<Boolean>)existReply.value();
            final List<String> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++)
            {
                if (!exists.get(i))
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
            final List<Long> lengths = Collections.nCopies(missing.size(), pageBytes);
            store.call(id -> new MasterRequest.BatchPutStart(id, store.clientId(), missing, lengths,
                ReplicateConfig.defaults()), startReply ->
            {
                @SuppressWarnings("unchecked")
                final List<Result<List<ReplicaDescriptor>>> placed =
                    (List<Result<List<ReplicaDescriptor>>>)startReply.value();
                final List<ReplicaDescriptor> targets = new ArrayList<>();
                final List<String> started = new ArrayList<>();
                for (int i = 0; i < placed.size(); i++)
                {
                    final Result<List<ReplicaDescriptor>> r = placed.get(i);
                    if (r.isOk() && r.value() != null)
                    {
                        targets.addAll(r.value());
                        started.add(missing.get(i));
                    }
                }
                pagesFailed += missing.size() - started.size();
                if (started.isEmpty())
                {
                    writeBatch(op, to);
                    return;
                }
                store.transferAll(targets, false, ok ->
                {
                    if (!ok)
                    {
                        // a failed batch ends the backup; the unsealed puts are the master's zombies to discard
                        pagesFailed += started.size();
                        finish(op);
                        return;
                    }
                    store.call(id -> new MasterRequest.BatchPutEnd(id, store.clientId(), started), r ->
                    {
                        pagesWritten += started.size();
                        writeBatch(op, to);
                    });
                });
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
        busy = false;
        pump();
    }
}
