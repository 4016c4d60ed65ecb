package dev.kvtier.sim.serving;

import dev.kvtier.model.engine.RequestRecord;
import dev.kvtier.sim.cluster.ClusterLoader;
import dev.kvtier.sim.cluster.ClusterPlan;
import dev.kvtier.sim.report.ServingReport;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance sanity properties of the serving simulation, on the built-in workload and a small cluster. */
class ServingPropertiesTest
{
    private static List<TraceRecord> trace;

    @BeforeAll
    static void workload()
    {
        trace = new ChatWorkloadGenerator(ChatWorkloadConfig.defaults().withSeed(7).withDuration(240)).generate();
    }

    private static ServingResult run(final Map<String, String> overrides, final double rateScale)
    {
        return run(trace, overrides, rateScale);
    }

    private static ServingResult run(final List<TraceRecord> trace, final Map<String, String> overrides,
        final double rateScale)
    {
        final Map<String, String> all = new HashMap<>(Map.of("router.policy", "round_robin"));
        all.putAll(overrides);
        final ClusterPlan plan = ClusterPlan.of(ClusterLoader.load("small-4", all), null);
        return ServingSimulation.run(plan, trace, new ServingOptions(42, false, 0, rateScale, 0));
    }

    private static long sum(final ServingResult r, final java.util.function.ToLongFunction<RequestRecord> f)
    {
        return r.records().stream().mapToLong(f).sum();
    }

    @Test
    void unboundedZeroLatencyStorageShouldReachTheIdealPrefixHit()
    {
        // one request at a time (20 s apart), so every earlier prefix has reached L3 before the next arrives
        final List<TraceRecord> spaced = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            final TraceRecord t = trace.get(i);
            spaced.add(new TraceRecord(i * 20_000L, t.inputLength(), t.outputLength(), t.hashIds()));
        }
        final ServingResult r = run(spaced, Map.of("store.global_segment_size_gb", "100", "nic.latency_us", "0",
            "nic.gbps", "1000000", "serving.prefetch_policy", "wait_complete", "serving.prefetch_threshold", "64",
            "host_memory_gb", "4096"), 1.0);
        final PageCatalog catalog = PageCatalog.build(spaced, 64);
        assertThat(r.records()).hasSize(spaced.size()).noneMatch(RequestRecord::aborted);
        final long hits = sum(r, x -> x.deviceHitTokens() + x.hostHitTokens() + x.storageHitTokens());
        assertThat(sum(r, RequestRecord::storageHitTokens)).isPositive();
        assertThat(hits).isEqualTo(catalog.idealHitTokens(spaced.size()));
    }

    @Test
    void timeoutWithAHugeTimeoutShouldBehaveAsWaitComplete()
    {
        final ServingResult wait = run(Map.of("serving.prefetch_policy", "wait_complete", "nic.protocol", "tcp",
            "nic.gbps", "10"), 1.0);
        final ServingResult timeout = run(Map.of("serving.prefetch_policy", "timeout", "nic.protocol", "tcp",
            "nic.gbps", "10", "serving.prefetch_timeout_base_s", "1000000"), 1.0);
        assertThat(sum(wait, RequestRecord::storageHitTokens)).isPositive();
        assertThat(sum(wait, RequestRecord::prefetchWaitNs)).isPositive();
        assertThat(new ServingReport("t", "", timeout, 30_000, 100).csv())
            .isEqualTo(new ServingReport("t", "", wait, 30_000, 100).csv());
    }

    @Test
    void bestEffortShouldNeverDelayARequestForPrefetch()
    {
        final ServingResult r = run(Map.of("serving.prefetch_policy", "best_effort", "nic.protocol", "tcp",
            "nic.gbps", "10"), 1.0);
        assertThat(r.records()).allSatisfy(x -> assertThat(x.prefetchWaitNs()).isZero());
        assertThat(r.workers()).allSatisfy(w -> assertThat(w.prefetchWaitSkips).isZero());
        assertThat(r.records().stream()
            .filter(x -> x.prefetchOutcome() != dev.kvtier.model.hicache.PrefetchOutcome.NONE)).isNotEmpty();
    }

    @Test
    void moreHostMemoryShouldNeverLowerHostHitsUnderLru()
    {
        long previous = -1;
        for (final String ratio : List.of("1.5", "2", "4", "8"))
        {
            final ServingResult r = run(Map.of("serving.storage", "false", "serving.mem_fraction_static", "0.4",
                "serving.hicache_ratio", ratio, "router.policy", "cache_aware"), 0.05);
            final long host = sum(r, RequestRecord::hostHitTokens);
            assertThat(host).as("host hits at hicache_ratio " + ratio).isGreaterThanOrEqualTo(previous);
            previous = host;
        }
        assertThat(previous).isPositive();
    }

    @Test
    void sameSeedAndInputsShouldGiveIdenticalJson()
    {
        final String a = new ServingReport("t", "", run(Map.of(), 1.0), 30_000, 100).json(false);
        final String b = new ServingReport("t", "", run(Map.of(), 1.0), 30_000, 100).json(false);
        assertThat(a).isEqualTo(b).contains("\"ttft_ms\"", "\"storage_tokens\"");
    }

    @Test
    void disaggregatedServingShouldPrefillAndDecodeOnSeparatePoolsAndOffloadDecodedPages()
    {
        final ServingResult r = run(trace.subList(0, 300), Map.of("disaggregation.mode", "pd",
            "disaggregation.prefill_instances", "2", "disaggregation.decode_offload", "true",
            "router.policy", "cache_aware"), 1.0);
        assertThat(r.records()).hasSize(300).allSatisfy(x ->
        {
            assertThat(x.prefillInstance()).isLessThan(2);
            assertThat(x.decodeInstance()).isGreaterThanOrEqualTo(2);
            assertThat(x.firstTokenNs()).isGreaterThan(x.prefillStartNs());
            assertThat(x.finishNs()).isGreaterThanOrEqualTo(x.firstTokenNs());
        });
        final long handoff = r.workers().stream().mapToLong(w -> w.handoffBytes).sum();
        final long inputTokens = r.records().stream().mapToLong(RequestRecord::inputTokens).sum();
        assertThat(handoff).isEqualTo(inputTokens * r.plan().cost().kvBytes(1));
        assertThat(r.workers().get(2).offloadPages + r.workers().get(3).offloadPages).isPositive();
        assertThat(r.workers().get(0).decodeTokens + r.workers().get(1).decodeTokens).isZero();
    }

    @Test
    void requestsThatCanNeverFitShouldBeAbortedWithoutStallingTheRun()
    {
        final ServingResult r = run(trace.subList(0, 300), Map.of("serving.mem_fraction_static", "0.215"), 1.0);
        assertThat(r.records()).hasSize(300);
        final long aborted = r.records().stream().filter(RequestRecord::aborted).count();
        assertThat(aborted).isPositive().isLessThan(300);
        assertThat(r.records().stream().filter(RequestRecord::aborted))
            .allSatisfy(x -> assertThat(x.cachedTokens()).isZero());
    }

    @Test
    void tokenGapsShouldAddUpToEachRequestsDecodeTimeInBothModes()
    {
        for (final Map<String, String> mode : List.of(Map.<String, String>of(), Map.of("disaggregation.mode", "pd",
            "disaggregation.prefill_instances", "2")))
        {
            final ServingResult r = run(trace.subList(0, 300), mode, 1.0);
            final org.HdrHistogram.Histogram gaps = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
            r.workers().forEach(w -> gaps.add(w.tokenItlUs));
            final List<RequestRecord> served = r.records().stream().filter(x -> !x.aborted()).toList();
            assertThat(served).hasSize(300);
            // one gap per token after the first, and together they span first token to finish
            assertThat(gaps.getTotalCount()).as("mode %s", mode)
                .isEqualTo(served.stream().mapToLong(x -> x.outputTokens() - 1).sum());
            final double decodeUs = served.stream().mapToLong(x -> x.finishNs() - x.firstTokenNs()).sum() / 1000.0;
            assertThat(gaps.getMean() * gaps.getTotalCount()).isCloseTo(decodeUs,
                org.assertj.core.api.Assertions.withinPercentage(0.2));
            // the slowest gap is at least the slowest request's mean gap, and a stall shows up in the tail
            assertThat(gaps.getMaxValue() * 1000.0).isGreaterThanOrEqualTo(
                served.stream().mapToLong(RequestRecord::itlNs).max().orElseThrow() * 0.999);
        }
    }
}
