package dev.kvtier.model.engine;

import dev.kvtier.model.hicache.HiCacheConfig;
import dev.kvtier.model.hicache.HiRadixCache;
import dev.kvtier.model.hicache.MatchResult;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.hicache.PrefetchPolicy;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.store.ReplicaDescriptor;
import dev.kvtier.model.store.Result;
import dev.kvtier.model.store.StoreKey;
import dev.kvtier.model.store.client.StoreClient;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * SGLang's cache-controller prefetch path for one instance: a query thread that asks L3 which pages of a request's
 * unmatched tail exist (batches of 128, consecutive from the start), and an I/O thread that reads the hit pages
 * into reserved host slots, one operation at a time in arrival order. The scheduler asks {@link #mayTerminate}
 * when the request's turn comes and {@link #terminate}s it, which turns arrived pages into host-only tree nodes.
 */
final class PrefetchController
{
    private final NodeContext ctx;
    private final HiCacheConfig config;
    private final HiRadixCache cache;
    private final StoreClient store;
    private final KvPages pages;
    private final Runnable onProgress;
    private final ArrayDeque<PrefetchOp> queryQueue = new ArrayDeque<>();
    private final ArrayDeque<PrefetchOp> ioQueue = new ArrayDeque<>();
    private final MatchResult match = new MatchResult();
    /**
     * Under the timeout policy, each live op's deadline as of its start and again once its hit is known; an entry
     * goes stale when its op ends or its deadline moves, and is dropped when it surfaces.
     */
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
    private int deadlinesBound = 1024;
    private boolean querying;
    private boolean reading;
    private long occupiedPages;

    final long[] outcomes = new long[PrefetchOutcome.values().length];
    long rateLimited;
    long hostAllocFailures;
    long pagesFetched;
    long pagesUsed;
    long kvMismatches;

    PrefetchController(final NodeContext ctx, final HiCacheConfig config, final HiRadixCache cache,
        final StoreClient store, final KvPages pages, final Runnable onProgress)
    {
        this.pages = pages;
        this.ctx = ctx;
        this.config = config;
        this.cache = cache;
        this.store = store;
        this.onProgress = onProgress;
    }

    /** At queueing: prefetch the unmatched tail if it is long enough and capacity allows. */
    void maybeStart(final Job job)
    {
        final int[] pages = job.request.pages();
        cache.match(pages, pages.length, match);
        final int matched = match.matchedPages();
        final int tail = pages.length - matched;
        if ((long)tail * config.pageSize() < config.prefetchThresholdTokens())
        {
            return;
        }
        final int anchor = matched == 0 ? -1 : pages[matched - 1];
        if (anchor >= 0 && !cache.onHost(anchor))
        {
            return;
        }
        if (occupiedPages + tail > config.prefetchCapacityPages())
        {
            rateLimited++;
            return;
        }
        // pin the anchor before making room: host eviction must not take the node the prefetch hangs under
        if (anchor >= 0)
        {
            cache.protectHost(anchor);
        }
        if (!cache.reserveHost(tail))
        {
            if (anchor >= 0)
            {
                cache.releaseHost(anchor);
            }
            hostAllocFailures++;
            return;
        }
        final PrefetchOp op = new PrefetchOp(job, matched, tail, anchor, ctx.now());
        job.prefetch = op;
        occupiedPages += tail;
        queryQueue.add(op);
        trackDeadline(op);
        pumpQuery();
    }

    /** Whether no prefetch holds host slots or has reads in flight. */
    boolean idle()
    {
        return occupiedPages == 0 && !querying && !reading;
    }

    /** Whether the policy lets the scheduler stop waiting for this request's prefetch now. */
    boolean mayTerminate(final PrefetchOp op)
    {
        if (op.terminated || op.complete() || op.ioFinished)
        {
            return true;
        }
        final PrefetchPolicy policy = config.prefetchPolicy();
        if (policy == PrefetchPolicy.BEST_EFFORT)
        {
            return true;
        }
        if (policy == PrefetchPolicy.WAIT_COMPLETE)
        {
            return false;
        }
        return ctx.now() >= deadlineNs(op);
    }

    /** Absolute time at which the timeout policy gives up on {@code op}. */
    long deadlineNs(final PrefetchOp op)
    {
        final long hitTokens = op.hitKnown() ? (long)op.hitPages * config.pageSize() : 0;
        final long timeout = config.prefetchTimeoutNs(hitTokens);
        return timeout >= Long.MAX_VALUE - op.startNs ? Long.MAX_VALUE : op.startNs + timeout;
    }

    /**
     * The earliest timeout deadline among the ops not yet ended, or {@code Long.MAX_VALUE}: when a request blocked
     * on its prefetch must be looked at again. O(log ops) amortized, where asking each waiting request was
     * O(queue) per scheduling pass, and an overloaded queue is long.
     */
    long earliestDeadlineNs()
    {
        while (!deadlines.isEmpty())
        {
            final Deadline top = deadlines.peek();
            if (!top.op.terminated && top.atNs == deadlineNs(top.op))
            {
                return top.atNs;
            }
            deadlines.poll();
        }
        return Long.MAX_VALUE;
    }

    private void trackDeadline(final PrefetchOp op)
    {
        if (config.prefetchPolicy() == PrefetchPolicy.TIMEOUT)
        {
            final long at = deadlineNs(op);
            if (at != Long.MAX_VALUE)
            {
                deadlines.add(new Deadline(at, op));
            }
            if (deadlines.size() > deadlinesBound)
            {
                // stale entries below a long-lived top: dropped in one sweep, amortized over the pushes since the last
                deadlines.removeIf(d -> d.op.terminated || d.atNs != deadlineNs(d.op));
                deadlinesBound = 2 * deadlines.size() + 1024;
            }
        }
    }

    /** An op's deadline as it was when queued; see {@link #deadlines}. */
    private record Deadline(long atNs, PrefetchOp op) implements Comparable<Deadline>
    {
        @Override
        public int compareTo(final Deadline other)
        {
            return Long.compare(atNs, other.atNs);
        }
    }

    /** Ends the op: arrived pages become host-only nodes; slots beyond them and the anchor pin are released. */
    void terminate(final PrefetchOp op)
    {
        final Job job = op.job;
        if (op.terminated)
        {
            return;
        }
        final boolean complete = op.complete();
        op.terminated = true;
        final int used = op.completedPages;
        if (used > 0)
        {
            job.prefetchedPages = cache.insertHostOnly(job.request.pages(), op.start, op.start + used);
            op.reservedPages -= used;
            pagesUsed += job.prefetchedPages;
        }
        cache.releaseHostReservation(op.reservedPages);
        op.reservedPages = 0;
        if (op.anchorPage >= 0)
        {
            cache.releaseHost(op.anchorPage);
        }
        occupiedPages -= op.requested;
        if (complete)
        {
            job.outcome = PrefetchOutcome.COMPLETED;
        }
        else if (config.prefetchPolicy() == PrefetchPolicy.TIMEOUT && !op.ioFinished)
        {
            job.outcome = PrefetchOutcome.TIMED_OUT;
        }
        else
        {
            job.outcome = PrefetchOutcome.PARTIAL;
        }
        outcomes[job.outcome.ordinal()]++;
    }

    private void revoke(final PrefetchOp op)
    {
        op.terminated = true;
        cache.releaseHostReservation(op.reservedPages);
        op.reservedPages = 0;
        if (op.anchorPage >= 0)
        {
            cache.releaseHost(op.anchorPage);
        }
        occupiedPages -= op.requested;
        op.job.outcome = PrefetchOutcome.REVOKED;
        outcomes[PrefetchOutcome.REVOKED.ordinal()]++;
        onProgress.run();
    }

    // ---- query thread -----------------------------------------------------------------------------------------

    private void pumpQuery()
    {
        while (!querying && !queryQueue.isEmpty())
        {
            final PrefetchOp op = queryQueue.poll();
            if (op.terminated)
            {
                continue;
            }
            querying = true;
            queryBatch(op, 0);
        }
    }

    private void queryBatch(final PrefetchOp op, final int found)
    {
        final int from = op.start + found;
        final int to = Math.min(op.start + op.requested, from + HiCacheConfig.STORAGE_BATCH_PAGES);
        final List<StoreKey> keys = keys(op, from, to);
        store.batchExists(keys, exists ->
        {
            int consecutive = 0;
            while (consecutive < exists.length && exists[consecutive] > 0)
            {
                consecutive++;
            }
            final int total = found + consecutive;
            if (!op.terminated && consecutive == keys.size() && to < op.start + op.requested)
            {
                queryBatch(op, total);
                return;
            }
            querying = false;
            queryDone(op, total);
            pumpQuery();
        });
    }

    private void queryDone(final PrefetchOp op, final int hit)
    {
        if (op.terminated)
        {
            return;
        }
        if ((long)hit * config.pageSize() < config.prefetchThresholdTokens())
        {
            revoke(op);
            return;
        }
        op.hitPages = hit;
        trackDeadline(op);
        cache.releaseHostReservation(op.reservedPages - hit);
        op.reservedPages = hit;
        ioQueue.add(op);
        pumpIo();
    }

    // ---- I/O thread -------------------------------------------------------------------------------------------

    private void pumpIo()
    {
        while (!reading && !ioQueue.isEmpty())
        {
            final PrefetchOp op = ioQueue.poll();
            if (op.terminated)
            {
                continue;
            }
            reading = true;
            readBatch(op);
        }
    }

    private void readBatch(final PrefetchOp op)
    {
        final int from = op.start + op.completedPages;
        final int to = Math.min(op.start + op.hitPages, from + HiCacheConfig.STORAGE_BATCH_PAGES);
        final List<StoreKey> keys = keys(op, from, to);
        store.batchQuery(keys, lookups ->
        {
            // only the consecutive run of stored pages from the start is usable as a prefix
            final List<List<ReplicaDescriptor>> replicas = new ArrayList<>(lookups.size());
            for (final Result<List<ReplicaDescriptor>> r : lookups)
            {
                if (!r.isOk() || r.value() == null || r.value().isEmpty())
                {
                    break;
                }
                replicas.add(r.value());
            }
            if (op.terminated || replicas.isEmpty())
            {
                ioEnded(op);
                return;
            }
            final int n = replicas.size();
            store.batchRead(replicas, pages.readTargets(n), new long[n], read ->
            {
                if (op.terminated)
                {
                    ioEnded(op);
                    return;
                }
                int arrived = 0;
                while (arrived < n && read[arrived] >= 0)
                {
                    // a page whose bytes are not its key's ends the usable prefix, as a failed read does
                    if (!pages.verify(arrived, keys.get(arrived)))
                    {
                        kvMismatches++;
                        break;
                    }
                    arrived++;
                }
                op.completedPages += arrived;
                pagesFetched += arrived;
                if (arrived == keys.size() && op.completedPages < op.hitPages)
                {
                    readBatch(op);
                    return;
                }
                ioEnded(op);
            });
        });
    }

    private void ioEnded(final PrefetchOp op)
    {
        // a short read ends the usable prefix: no more pages will come, so no policy should wait for them
        op.ioFinished = true;
        reading = false;
        onProgress.run();
        pumpIo();
    }

    private List<StoreKey> keys(final PrefetchOp op, final int from, final int to)
    {
        final PageChain chain = op.job.request.chain();
        final List<StoreKey> keys = new ArrayList<>(to - from);
        for (int i = from; i < to; i++)
        {
            keys.add(chain.storeKey(i));
        }
        return keys;
    }
}
