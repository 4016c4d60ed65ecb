package dev.kvtier.workloads;

import dev.kvtier.workloads.synthetic.ChatWorkloadConfig;
import dev.kvtier.workloads.synthetic.ChatWorkloadGenerator;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatWorkloadGeneratorTest
{
    private static final ChatWorkloadConfig SMALL = ChatWorkloadConfig.defaults().withDuration(300);

    @Test
    void shouldBeDeterministicForOneSeedAndDifferAcrossSeeds()
    {
        final List<TraceRecord> a = new ChatWorkloadGenerator(SMALL).generate();
        final List<TraceRecord> b = new ChatWorkloadGenerator(SMALL).generate();
        final List<TraceRecord> c = new ChatWorkloadGenerator(SMALL.withSeed(7)).generate();
        assertThat(a).isNotEmpty().isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void shouldHaveThePropertiesOfThePublishedTraces()
    {
        final List<TraceRecord> records = new ChatWorkloadGenerator(SMALL).generate();
        final Map<Long, Long> parent = new HashMap<>();
        final Map<Long, Integer> position = new HashMap<>();
        final Map<Long, Integer> length = new HashMap<>();
        long lastTs = 0;
        long nextNewId = 0;
        int multiBlockReuse = 0;
        for (final TraceRecord r : records)
        {
            assertThat(r.timestampMs()).isGreaterThanOrEqualTo(lastTs);
            lastTs = r.timestampMs();
            assertThat(r.hashIds()).hasSize(TraceRecord.blocksFor(r.inputLength()));
            long prev = -1;
            for (int j = 0; j < r.hashIds().length; j++)
            {
                final long id = r.hashIds()[j];
                if (id == nextNewId)
                {
                    nextNewId++;
                }
                else
                {
                    assertThat(id).as("ids are dense in order of first appearance").isLessThan(nextNewId);
                    if (j > 0)
                    {
                        multiBlockReuse++;
                    }
                }
                assertThat(parent.computeIfAbsent(id, k -> -2L)).isIn(-2L, prev);
                parent.put(id, prev);
                assertThat(position.computeIfAbsent(id, k -> -1)).isIn(-1, j);
                position.put(id, j);
                final int len = r.blockTokens(j);
                assertThat(length.computeIfAbsent(id, k -> len)).as("one length per id").isEqualTo(len);
                prev = id;
            }
        }
        assertThat(multiBlockReuse).as("multi-turn sessions reuse deep prefixes").isGreaterThan(1000);
    }

    @Test
    void shouldRejectAnImpossibleConfigNamingTheField()
    {
        final ChatWorkloadConfig d = ChatWorkloadConfig.defaults();
        final ChatWorkloadConfig bad = new ChatWorkloadConfig(1, 10, -1, d.meanTurns(), d.systemPrompts(),
            d.zipfExponent(), d.minSystemTokens(), d.maxSystemTokens(), d.meanUserTokens(), d.meanOutputTokens(),
            d.meanThinkSeconds(), d.documentFraction(), d.meanDocumentTokens(), d.maxInputTokens());
        assertThatThrownBy(() -> new ChatWorkloadGenerator(bad)).hasMessageContaining("sessions_per_second");
    }
}
