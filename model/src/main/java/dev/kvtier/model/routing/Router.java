package dev.kvtier.model.routing;

import dev.kvtier.model.engine.Dispatch;
import dev.kvtier.model.engine.InferenceRequest;
import dev.kvtier.model.engine.PrefillDone;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.node.Message;
import dev.kvtier.model.node.Node;
import dev.kvtier.model.node.NodeContext;
import dev.kvtier.model.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The request router as a node: picks a prefill (or combined) instance by policy, a decode instance when
 * disaggregated, forwards the request, and tracks in-flight counts from the instances' completion messages.
 * Finished-request records are passed on to whoever sent the requests (the trace driver in the simulator).
 */
public final class Router implements Node
{
    private static final long EVICTION_TIMER = 1;
    /** From how many prefill instances cache_aware keeps {@link PrefixHolders} rather than scanning every tree. */
    static final int HOLDERS_FROM_INSTANCES = 64;

    private final RouterConfig config;
    private final List<NodeId> instances;
    private int n;
    private int[] inFlight;
    private long[] pendingPrefillTokens;
    private final int[] decodeInFlight;
    private PageLru[] trees;
    private boolean[] healthy;
    private int unhealthy;
    private final PageLru storage = new PageLru();
    /**
     * Which instances hold each page, from {@link #HOLDERS_FROM_INSTANCES} instances up (null below): it doubles the
     * router's memory per page held, which a scan of a few trees per request does not repay.
     */
    private final PrefixHolders holders;
    private final Map<Long, long[]> dispatched = new HashMap<>();
    private NodeContext ctx;
    private NodeId client;
    private int roundRobin;
    private int decodeRoundRobin;
    private long cacheAwareHits;
    private long cacheAwareBalanced;

    public Router(final RouterConfig config)
    {
        this.config = config;
        this.instances = new ArrayList<>(config.prefill());
        this.n = instances.size();
        if (n == 0)
        {
            throw new IllegalArgumentException("the router needs at least one instance");
        }
        this.inFlight = new int[n];
        this.pendingPrefillTokens = new long[n];
        this.decodeInFlight = new int[config.decode().size()];
        this.holders = n >= HOLDERS_FROM_INSTANCES ? new PrefixHolders() : null;
        this.trees = new PageLru[n];
        for (int i = 0; i < n; i++)
        {
            trees[i] = new PageLru(holders, i);
        }
        this.healthy = new boolean[n];
        java.util.Arrays.fill(healthy, true);
    }

    /** Requests dispatched to instance {@code i} and not finished. */
    public int inFlight(final int i)
    {
        return inFlight[i];
    }

    /** Instances that may take requests now. */
    public int healthyInstances()
    {
        return n - unhealthy;
    }

    /** Requests routed by cache_aware to the prefix owner (match above the threshold). */
    public long cacheAwareHits()
    {
        return cacheAwareHits;
    }

    /** Requests cache_aware sent to the least-loaded instance because loads were imbalanced. */
    public long cacheAwareBalanced()
    {
        return cacheAwareBalanced;
    }

    @Override
    public void onStart(final NodeContext ctx)
    {
        this.ctx = ctx;
        if (config.policy() == RoutingPolicy.CACHE_AWARE || config.policy() == RoutingPolicy.KV_AWARE)
        {
            ctx.schedule(config.evictionIntervalNs(), EVICTION_TIMER);
        }
    }

    @Override
    public void onTimer(final long timerId)
    {
        final long maxPages = config.maxTreeTokens() / config.pageSize();
        for (final PageLru t : trees)
        {
            t.trimTo(maxPages);
        }
        storage.trimTo(config.storageTokens() / config.pageSize());
        ctx.schedule(config.evictionIntervalNs(), EVICTION_TIMER);
    }

    @Override
    public void onMessage(final NodeId from, final Message message)
    {
        if (message instanceof InferenceRequest r)
        {
            client = from;
            route(r);
        }
        else if (message instanceof InstanceHealth h)
        {
            health(h);
        }
        else if (message instanceof PrefillDone p)
        {
            final long[] d = dispatched.get(p.requestId());
            if (d != null && d[2] == 0)
            {
                d[2] = 1;
                pendingPrefillTokens[(int)d[0]] -= d[1];
                if (!config.decode().isEmpty())
                {
                    inFlight[(int)d[0]]--;
                }
            }
        }
        else if (message instanceof RequestRecord rec)
        {
            final long[] d = dispatched.remove(rec.id());
            if (d != null)
            {
                if (d[2] == 0)
                {
                    pendingPrefillTokens[(int)d[0]] -= d[1];
                }
                if (config.decode().isEmpty())
                {
                    inFlight[(int)d[0]]--;
                }
                else
                {
                    decodeInFlight[(int)d[3]]--;
                }
            }
            if (client != null)
            {
                ctx.send(client, rec);
            }
        }
    }

    private void health(final InstanceHealth h)
    {
        int i = instances.indexOf(h.instance());
        if (i < 0)
        {
            if (!h.healthy())
            {
                return;
            }
            i = n++;
            instances.add(h.instance());
            inFlight = java.util.Arrays.copyOf(inFlight, n);
            pendingPrefillTokens = java.util.Arrays.copyOf(pendingPrefillTokens, n);
            trees = java.util.Arrays.copyOf(trees, n);
            trees[i] = new PageLru(holders, i);
            healthy = java.util.Arrays.copyOf(healthy, n);
            healthy[i] = true;
            return;
        }
        if (healthy[i] != h.healthy())
        {
            healthy[i] = h.healthy();
            unhealthy += h.healthy() ? -1 : 1;
        }
    }

    /** The healthy instance with the fewest requests in flight (lowest index on ties), or -1 if none is healthy. */
    private int leastLoadedHealthy()
    {
        int best = -1;
        for (int i = 0; i < n; i++)
        {
            if (healthy[i] && (best < 0 || inFlight[i] < inFlight[best]))
            {
                best = i;
            }
        }
        return best;
    }

    private void route(final InferenceRequest r)
    {
        int i = pick(r);
        if (unhealthy > 0 && !healthy[i])
        {
            i = leastLoadedHealthy();
            if (i < 0)
            {
                final long now = ctx.now();
                ctx.send(client, new RequestRecord(r.id(), -1, -1, r.arrivalNs(), now, now, now, r.inputTokens(),
                    r.outputTokens(), 0, 0, 0, PrefetchOutcome.NONE, 0, true));
                return;
            }
        }
        final int[] pages = r.pages();
        final long uncached = Math.max(1, r.inputTokens() - (long)trees[i].prefixLength(pages) * config.pageSize());
        if (config.policy() == RoutingPolicy.CACHE_AWARE || config.policy() == RoutingPolicy.KV_AWARE)
        {
            trees[i].touch(pages, pages.length);
            storage.touch(pages, pages.length);
        }
        inFlight[i]++;
        pendingPrefillTokens[i] += uncached;
        NodeId decode = null;
        int di = -1;
        if (!config.decode().isEmpty())
        {
            di = pickDecode();
            decodeInFlight[di]++;
            decode = config.decode().get(di);
        }
        dispatched.put(r.id(), new long[] {i, uncached, 0, di});
        ctx.send(instances.get(i), new Dispatch(r, decode));
    }

    private int pick(final InferenceRequest r)
    {
        return switch (config.policy())
        {
            case ROUND_ROBIN -> roundRobin++ % n;
            case RANDOM -> ctx.random().nextInt(n);
            case POWER_OF_TWO -> powerOfTwo(inFlight);
            case CACHE_AWARE -> cacheAware(r);
            case KV_AWARE -> kvAware(r);
        };
    }

    private int pickDecode()
    {
        final int m = decodeInFlight.length;
        return switch (config.decodePolicy())
        {
            case ROUND_ROBIN -> decodeRoundRobin++ % m;
            case RANDOM -> ctx.random().nextInt(m);
            default -> powerOfTwo(decodeInFlight);
        };
    }

    private int powerOfTwo(final int[] loads)
    {
        if (loads.length == 1)
        {
            return 0;
        }
        final int a = ctx.random().nextInt(loads.length);
        int b = ctx.random().nextInt(loads.length - 1);
        if (b >= a)
        {
            b++;
        }
        return loads[b] < loads[a] ? b : a;
    }

    /** sgl-router's rule: balance first when imbalanced, else follow a good enough prefix, else the emptiest tree. */
    private int cacheAware(final InferenceRequest r)
    {
        int min = 0;
        int max = 0;
        for (int i = 1; i < n; i++)
        {
            if (inFlight[i] < inFlight[min])
            {
                min = i;
            }
            if (inFlight[i] > inFlight[max])
            {
                max = i;
            }
        }
        final int lo = inFlight[min];
        final int hi = inFlight[max];
        if (hi - lo > config.balanceAbsThreshold() && hi > lo * config.balanceRelThreshold())
        {
            cacheAwareBalanced++;
            return min;
        }
        int best = 0;
        int bestLen = -1;
        if (holders != null && holders.consistentWith(r.pages()))
        {
            // the longest match over all trees, and the lowest-numbered instance with it, in one pass
            bestLen = holders.prefixLength(r.pages());
            best = bestLen == 0 ? 0 : holders.lowestHolder(r.pages()[bestLen - 1]);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                final int len = trees[i].prefixLength(r.pages());
                if (len > bestLen)
                {
                    bestLen = len;
                    best = i;
                }
            }
        }
        final double rate = (double)bestLen * config.pageSize() / Math.max(1, r.inputTokens());
        if (rate > config.cacheThreshold())
        {
            cacheAwareHits++;
            return best;
        }
        int smallest = 0;
        for (int i = 1; i < n; i++)
        {
            if (trees[i].size() < trees[smallest].size())
            {
                smallest = i;
            }
        }
        return smallest;
    }

    /**
     * Estimated TTFT per instance: its queued prefill work plus this request's uncached prefill, plus fetching
     * from L3 the part of the prefix the store holds beyond what the instance holds. Lowest estimate wins.
     */
    private int kvAware(final InferenceRequest r)
    {
        final int[] pages = r.pages();
        final int inStore = storage.prefixLength(pages);
        final double perTokenNs = config.cost().prefillNs(8192, 8192 * 4096.0) / 8192.0;
        int best = 0;
        double bestEstimate = Double.MAX_VALUE;
        for (int i = 0; i < n; i++)
        {
            final int local = trees[i].prefixLength(pages);
            final long localTokens = (long)local * config.pageSize();
            final long fetched = (long)Math.max(0, inStore - local) * config.pageSize();
            final long compute = Math.max(1, r.inputTokens() - localTokens - fetched);
            final double estimate = pendingPrefillTokens[i] * perTokenNs
                + config.cost().prefillNs(compute, compute * (localTokens + fetched + compute / 2.0))
                + config.cost().kvBytes(fetched) / config.fetchBytesPerNs();
            if (estimate < bestEstimate || (estimate == bestEstimate && inFlight[i] < inFlight[best]))
            {
                bestEstimate = estimate;
                best = i;
            }
        }
        return best;
    }

    /** The instances requests go to, in index order (those added by {@link InstanceHealth} last). */
    public List<NodeId> instances()
    {
        return java.util.Collections.unmodifiableList(instances);
    }
}
