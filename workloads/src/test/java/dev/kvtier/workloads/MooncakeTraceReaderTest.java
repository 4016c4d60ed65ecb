package dev.kvtier.workloads;

import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.MooncakeTraceWriter;
import dev.kvtier.workloads.trace.TraceFormatException;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MooncakeTraceReaderTest
{
    private static List<TraceRecord> read(final String text)
    {
        final List<TraceRecord> out = new ArrayList<>();
        new MooncakeTraceReader("t.jsonl", new StringReader(text)).forEachRemaining(out::add);
        return out;
    }

    @Test
    void shouldReadRecordsAndSkipBlankLinesAndUnknownFields()
    {
        final List<TraceRecord> records = read(
            "{\"timestamp\": 0, \"input_length\": 700, \"output_length\": 5, \"hash_ids\": [0, 1]}\n"
                + "\n"
                + "{\"session_id\": \"s\", \"timestamp\": 3000, \"input_length\": 512, \"output_length\": 1,"
                + " \"hash_ids\": [7], \"extra\": {\"a\": [1, 2]}}\n");
        assertThat(records).containsExactly(
            new TraceRecord(0, 700, 5, new long[] {0, 1}),
            new TraceRecord(3000, 512, 1, new long[] {7}));
        assertThat(records.get(0).blockTokens(0)).isEqualTo(512);
        assertThat(records.get(0).blockTokens(1)).isEqualTo(188);
        assertThat(records.get(1).blockTokens(0)).isEqualTo(512);
    }

    @Test
    void shouldNameLineAndFieldForWrongBlockCount()
    {
        assertThatThrownBy(() -> read(
            "{\"timestamp\": 0, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [0]}\n"
                + "{\"timestamp\": 1, \"input_length\": 1025, \"output_length\": 1, \"hash_ids\": [0, 1]}\n"))
            .isInstanceOf(TraceFormatException.class)
            .hasMessageContaining("t.jsonl:2:")
            .hasMessageContaining("'hash_ids'")
            .hasMessageContaining("needs ceil(1025/512) = 3")
            .satisfies(e -> assertThat(((TraceFormatException)e).line()).isEqualTo(2));
    }

    @Test
    void shouldRejectMalformedJson()
    {
        assertThatThrownBy(() -> read("{\"timestamp\": 0, \"input_length\": 5\n"))
            .isInstanceOf(TraceFormatException.class).hasMessageStartingWith("t.jsonl:1: not valid JSON");
        assertThatThrownBy(() -> read("[1, 2]\n"))
            .isInstanceOf(TraceFormatException.class).hasMessageContaining("one JSON object per line");
    }

    @Test
    void shouldRejectMissingNegativeAndMistypedFields()
    {
        assertThatThrownBy(() -> read("{\"timestamp\": 0, \"input_length\": 5, \"hash_ids\": [0]}"))
            .hasMessageContaining("'output_length': missing");
        assertThatThrownBy(() -> read(
            "{\"timestamp\": -3, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [0]}"))
            .hasMessageContaining("'timestamp': is -3");
        assertThatThrownBy(() -> read(
            "{\"timestamp\": 0, \"input_length\": \"5\", \"output_length\": 1, \"hash_ids\": [0]}"))
            .hasMessageContaining("'input_length': expected a non-negative integer");
        assertThatThrownBy(() -> read(
            "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [0.5]}"))
            .hasMessageContaining("element 0 is the fraction 0.5");
    }

    @Test
    void shouldRejectTimestampsGoingBackwards()
    {
        assertThatThrownBy(() -> read(
            "{\"timestamp\": 10, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [0]}\n"
                + "{\"timestamp\": 9, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [0]}\n"))
            .hasMessageContaining("t.jsonl:2: field 'timestamp'").hasMessageContaining("sort the trace");
    }

    @Test
    void shouldRoundTripThroughTheWriter() throws IOException
    {
        final List<TraceRecord> records = List.of(
            new TraceRecord(0, 6758, 500, new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}),
            new TraceRecord(0, 2290, 316, new long[] {0, 42, 43, 44, 45}));
        final StringWriter text = new StringWriter();
        try (MooncakeTraceWriter writer = new MooncakeTraceWriter(text))
        {
            for (final TraceRecord r : records)
            {
                writer.write(r);
            }
        }
        assertThat(text.toString()).startsWith(
            "{\"timestamp\": 0, \"input_length\": 6758, \"output_length\": 500, \"hash_ids\": [0, 1, 2,");
        assertThat(read(text.toString())).isEqualTo(records);
    }

    @Test
    void shouldReadThePublishedTracesWhole() throws IOException
    {
        for (final String[] t : new String[][] {{"conversation_trace.jsonl", "12031"},
            {"synthetic_trace.jsonl", "3993"}})
        {
            try (MooncakeTraceReader reader = MooncakeTraceReader.open(SharedTraces.require(t[0])))
            {
                long n = 0;
                while (reader.hasNext())
                {
                    reader.next();
                    n++;
                }
                assertThat(n).as(t[0]).isEqualTo(Long.parseLong(t[1]));
            }
        }
    }
}
