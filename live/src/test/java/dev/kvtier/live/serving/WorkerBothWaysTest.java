package dev.kvtier.live.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvtier.model.engine.Dispatch;
import dev.kvtier.model.engine.FlushCache;
import dev.kvtier.model.engine.FlushCacheReply;
import dev.kvtier.model.engine.InferenceRequest;
import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.model.engine.ServingWorker;
import dev.kvtier.model.engine.WorkerConfig;
import dev.kvtier.model.engine.WorkerMemory;
import dev.kvtier.model.engine.WorkerRole;
import dev.kvtier.model.engine.WorkerStats;
import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PrefetchOutcome;
import dev.kvtier.model.hicache.TokenPageChains;
import dev.kvtier.model.node.NodeId;
import dev.kvtier.model.store.MasterConfig;
import dev.kvtier.model.store.MasterNode;
import dev.kvtier.model.tokens.SyntheticOutput;
import dev.kvtier.sim.runtime.SimRuntime;
import dev.kvtier.sim.serving.EpochCompute;
import dev.kvtier.transport.sim.LatencyNetwork;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One serving worker class, two runtimes: the same script of requests and flushes goes through a
 * {@link ServingWorker} stepped by the simulator (a master node, the simulator's epoch compute and virtual memory,
 * wired as {@code ServingSimulation} wires a worker) and through the live server (the same worker class hosted
 * live, emulated compute at scale 0, the kvtier store over TCP as L3, requests over HTTP), with the same cache
 * sizes, thresholds and cost model. The worker must decide the same both ways: each request's hits by tier and how
 * its prefetch ended, and over the script the pages fetched from and backed up to L3 and the evictions.
 *
 * <p>The script is sequential (each request is sent once the previous one has answered; a flush waits until the
 * worker's host copies, prefetches and backups have drained), so no decision depends on how long work takes: the
 * simulator leaves a virtual second between steps, live goes on when the answer is in. What is not compared:
 * times (TTFT, latencies, busy time), which are the runtimes' clocks; and scheduler passes that skipped a request
 * waiting on its prefetch ({@code prefetchWaitSkips}), which count how often the worker looked before the
 * prefetch's reads landed, a race between the node's thread and the store's replies live.
 */
class WorkerBothWaysTest
{
    private static final int PAGE = 4;
    private static final int OUTPUT = 8;
    private static final long STEP_GAP_NS = 1_000_000_000L;
    /**
     * 64 MiB of device memory: 112 pages of 4 tokens, so the fourth distinct prompt of 30 pages evicts part of the
     * first from the device (its host copies stay); a prefetch threshold of 64 tokens so that 30-page prompts are
     * prefetched; a prefetch timeout of 10 minutes (a hang guard) so that the timeout policy's wall-clock deadline
     * cannot end a live prefetch on a loaded machine where the simulator's completes.
     */
    private static final LiveServing.Launch LAUNCH = new LiveServing.Launch().deviceMemory(64L << 20)
        .extra("{\"prefetch_threshold\": 64, \"prefetch_timeout_base\": 600}");

    /** A step: a prompt to serve, or (null) a flush of L1 and L2. */
    private static List<int[]> script()
    {
        final int[] a = LiveServing.tokens(11, 121);
        final int[] b = LiveServing.tokens(12, 121);
        final int[] c = LiveServing.tokens(13, 121);
        final int[] d = LiveServing.tokens(14, 121);
        final int[] e = Arrays.copyOf(a, 121);
        System.arraycopy(LiveServing.tokens(15, 41), 0, e, 80, 41);
        final int[] f = LiveServing.tokens(16, 121);
        final List<int[]> s = new ArrayList<>();
        s.add(a);       // miss; its pages copied to host and backed up to L3
        s.add(a);       // device hit
        s.add(b);
        s.add(c);
        s.add(d);       // evicts a's deepest pages from the device
        s.add(a);       // device and host hits
        s.add(null);
        s.add(a);       // storage hit, prefetch completed
        s.add(e);       // a's first 20 pages on device, a tail below the prefetch threshold
        s.add(null);
        s.add(f);       // nothing in L3: prefetch revoked
        s.add(null);
        s.add(e);       // storage hit of e's pages
        s.add(null);
        s.add(Arrays.copyOf(e, 61)); // 15 pages, below the threshold: computed again, its backup deduplicated
        s.add(null);    // the last answer's pages reach L3 before the counters are compared
        return s;
    }

    /** What the worker decided for one request. */
    record Decision(int device, int host, int storage, String prefetch)
    {
    }

    // ---- the simulator ---------------------------------------------------------------------------------------

    private record Simulated(List<Decision> decisions, Map<String, Long> counters)
    {
    }

    private static Simulated simulated(final WorkerPlan plan) throws Exception
    {
        final SimRuntime sim = new SimRuntime(1, new LatencyNetwork(20_000));
        final NodeId master = sim.add("master", new MasterNode(MasterConfig.defaults()));
        final ServingWorker worker = new ServingWorker(new WorkerConfig(0, WorkerRole.COMBINED, plan.cache(), 8192,
            256, plan.cost(), sim.driver(), master, 128L << 20, false, EpochCompute.FACTORY, WorkerMemory.VIRTUAL,
            false));
        final NodeId workerId = sim.add("worker", worker);
        final List<int[]> steps = script();
        final TokenPageChains chains = new TokenPageChains(PAGE);
        final List<Decision> decisions = new ArrayList<>();
        final int[] next = {0};
        final Runnable send = () ->
        {
            final int i = next[0]++;
            if (i >= steps.size())
            {
                return;
            }
            final long at = sim.now() + STEP_GAP_NS;
            final int[] prompt = steps.get(i);
            if (prompt == null)
            {
                sim.inject(workerId, new FlushCache(i), at);
            }
            else
            {
                // the simulated request knows its answer as the live front end does, and caches it when it ends
                final PageChain finished = chains.finished(prompt, SyntheticOutput.tokens(prompt, OUTPUT), OUTPUT);
                sim.inject(workerId, new Dispatch(new InferenceRequest(i, at, prompt.length, OUTPUT,
                    finished.prefix(prompt.length / PAGE), finished), null), at);
            }
        };
        sim.onDriverMessage((from, m) ->
        {
            if (m instanceof RequestRecord r)
            {
                decisions.add(new Decision(r.deviceHitTokens(), r.hostHitTokens(), r.storageHitTokens(),
                    r.prefetchOutcome().key()));
                send.run();
            }
            else if (m instanceof FlushCacheReply f)
            {
                assertThat(f.flushed()).as("the simulated worker was idle at flush %d: %s", f.id(), f.reason())
                    .isTrue();
                send.run();
            }
        });
        send.run();
        sim.stopWhen(() -> next[0] > steps.size());
        sim.run();
        assertThat(next[0]).as("the simulated script ran to its end").isGreaterThan(steps.size());
        return new Simulated(decisions, counters(worker.stats()));
    }

    private static Map<String, Long> counters(final WorkerStats s)
    {
        final Map<String, Long> m = new TreeMap<>();
        for (final PrefetchOutcome o : PrefetchOutcome.values())
        {
            m.put("prefetch_" + o.key(), s.prefetchOutcomes[o.ordinal()]);
        }
        m.put("prefetched_pages", s.prefetchPagesFetched);
        m.put("backup_pages_written", s.backupPagesWritten);
        m.put("backup_pages_deduplicated", s.backupPagesDeduplicated);
        m.put("backup_pages_failed", s.backupPagesFailed);
        m.put("device_evictions", s.deviceEvictions);
        m.put("host_evictions", s.hostEvictions);
        m.put("kv_mismatches", s.kvMismatches);
        return m;
    }

    // ---- live --------------------------------------------------------------------------------------------------

    private static Map<String, Long> counters(final String metrics)
    {
        final Map<String, Long> m = new TreeMap<>();
        for (final PrefetchOutcome o : PrefetchOutcome.values())
        {
            m.put("prefetch_" + o.key(), value(metrics, "kvtier_prefetch_total{outcome=\"" + o.key() + "\"}"));
        }
        m.put("prefetched_pages", value(metrics, "sglang:prefetched_tokens_total") / PAGE);
        m.put("backup_pages_written", value(metrics, "sglang:backuped_tokens_total") / PAGE);
        m.put("backup_pages_deduplicated", value(metrics, "kvtier_backup_pages_deduplicated_total"));
        m.put("backup_pages_failed", value(metrics, "kvtier_backup_pages_failed_total"));
        m.put("device_evictions", value(metrics, "kvtier_device_evictions_total"));
        m.put("host_evictions", value(metrics, "kvtier_host_evictions_total"));
        m.put("kv_mismatches", value(metrics, "kvtier_kv_mismatches_total"));
        return m;
    }

    private static long value(final String metrics, final String sample)
    {
        return (long)LiveServing.metric(metrics, sample);
    }

    @Test
    void theSimulatedAndTheLiveWorkerDecideTheScriptIdentically() throws Exception
    {
        final List<Decision> live = new ArrayList<>();
        final Map<String, Long> liveCounters;
        final WorkerPlan plan;
        try (LiveServing server = new LiveServing(LAUNCH))
        {
            plan = server.server().plan();
            for (final int[] prompt : script())
            {
                if (prompt == null)
                {
                    server.flush();
                    continue;
                }
                final JsonNode meta = server.generate(prompt, OUTPUT).get("meta_info");
                final JsonNode tiers = meta.get("cached_tokens_details");
                live.add(new Decision(tiers.get("device").asInt(), tiers.get("host").asInt(),
                    tiers.get("storage").asInt(), meta.get("prefetch").asText()));
            }
            server.flush();
            liveCounters = counters(server.metrics());
        }
        final Simulated sim = simulated(plan);

        assertThat(live).as("hits by tier and prefetch outcome, request by request")
            .containsExactlyElementsOf(sim.decisions());
        assertThat(liveCounters).isEqualTo(sim.counters());
        // the script reaches what it is written for: every tier hit, prefetches completed and revoked, evictions,
        // deduplicated backups
        assertThat(sim.decisions()).anyMatch(d -> d.device() > 0 && d.host() > 0)
            .anyMatch(d -> d.storage() > 0).extracting(Decision::prefetch).contains("completed", "revoked", "none");
        assertThat(sim.counters()).containsEntry("kv_mismatches", 0L);
        assertThat(sim.counters().get("device_evictions")).isPositive();
        assertThat(sim.counters().get("backup_pages_deduplicated")).isPositive();
        assertThat(sim.counters().get("backup_pages_written")).isPositive();
    }
}
