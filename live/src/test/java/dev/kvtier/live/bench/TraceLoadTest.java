package dev.kvtier.live.bench;

import dev.kvtier.model.hicache.PageChain;
import dev.kvtier.model.hicache.PageHasher;
import dev.kvtier.sim.serving.PageCatalog;
import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A trace request's live prompt hashes, page by page as a worker hashes it, to exactly the L3 keys of the page
 * chain the simulator builds for the same record.
 */
class TraceLoadTest
{
    @Test
    void shouldSendPromptsWhosePagesAreTheSimulatorsPageChainOnTheBuiltInWorkload()
    {
        final List<TraceRecord> records = new ChatWorkloadGenerator(ChatWorkloadConfig.defaults().withSeed(7)
            .withDuration(60)).generate();
        assertThat(records).hasSizeGreaterThan(20);
        for (final int pageSize : new int[] {1, 16, 64})
        {
            assertSameChains(records, pageSize);
        }
    }

    @Test
    void shouldSendPromptsWhosePagesAreTheSimulatorsPageChainOnTheConversationTrace() throws Exception
    {
        final Path trace = sharedTrace("conversation_trace.jsonl");
        final List<TraceRecord> records = new ArrayList<>();
        try (MooncakeTraceReader reader = MooncakeTraceReader.open(trace))
        {
            while (reader.hasNext() && records.size() < 400)
            {
                records.add(reader.next());
            }
        }
        assertThat(new TraceLoad(records, 1).mismatchedBlocks()).isZero();
        assertSameChains(records, 64);
    }

    @Test
    void shouldScheduleRecordsAtTheirScaledTimestampsAndAskForAtLeastOneToken()
    {
        final TraceLoad load = new TraceLoad(List.of(new TraceRecord(1000, 10, 0, new long[] {1}),
            new TraceRecord(2000, 10, 5, new long[] {2}), new TraceRecord(3500, 10, 5, new long[] {3})), 2.0);

        assertThat(load.nextDueNs(-1)).isZero();
        final BenchRequest first = load.poll();
        assertThat(first.maxNewTokens()).isEqualTo(1);
        assertThat(first.traceIndex()).isZero();
        assertThat(load.nextDueNs(0)).isEqualTo(500_000_000L);
        load.poll();
        assertThat(load.nextDueNs(500_000_000L)).isEqualTo(1_250_000_000L);
        load.poll();
        assertThat(load.nextDueNs(1_250_000_000L)).isEqualTo(-1);
        assertThat(load.exhausted()).isFalse();
        for (int i = 0; i < 3; i++)
        {
            load.completed(first, GenerateOutcome.failed(0, "x"));
        }
        assertThat(load.exhausted()).isTrue();
    }

    private static void assertSameChains(final List<TraceRecord> records, final int pageSize)
    {
        final PageCatalog catalog = PageCatalog.build(records, pageSize);
        final PageHasher hasher = new PageHasher();
        for (int i = 0; i < records.size(); i++)
        {
            final int[] prompt = TraceLoad.request(i, records.get(i)).inputIds();
            assertThat(prompt).hasSize(records.get(i).inputLength());
            final PageChain chain = catalog.chain(i);
            final int pages = prompt.length / pageSize;
            assertThat(chain.length()).as("request %d at page size %d", i, pageSize).isEqualTo(pages);
            byte[] prior = null;
            for (int p = 0; p < pages; p++)
            {
                prior = hasher.hash(prior, prompt, p * pageSize, (p + 1) * pageSize);
                assertThat(PageHasher.hex(prior)).as("request %d page %d at page size %d", i, p, pageSize)
                    .isEqualTo(chain.key(p));
            }
        }
    }

    private static Path sharedTrace(final String name)
    {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolveSibling("shared").resolve("traces").resolve(name);
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        assumeTrue(false, "trace " + name + " not found in ../shared/traces; skipping");
        return null;
    }
}
