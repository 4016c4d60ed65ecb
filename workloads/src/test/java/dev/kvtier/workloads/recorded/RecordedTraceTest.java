package dev.kvtier.workloads.recorded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class RecordedTraceTest
{
    private static final TraceHeader HEADER = new TraceHeader(TraceHeader.ORIGIN_SIM, "t.jsonl", 42,
        "kvtier test", "{\"nodes\": 4}");

    @TempDir
    Path dir;

    static TraceArrival arrival(final long id)
    {
        if (id % 2 == 0)
        {
            return TraceArrival.ofHashIds(id, id * 1_000_000L, 1025, 7, new long[] {1, 2, id + 3});
        }
        final String[] keys = new String[3];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = String.format("%064x", id * 31 + i);
        }
        return new TraceArrival(id, id * 1_000_000L + 17, 3 * 64 + 5, 9, 64, null, keys, id / 4, (int)(id % 4));
    }

    /** Outcomes with no output page keys, SGLang digest keys (stored as bytes), or other keys (stored as text). */
    static TraceOutcome outcome(final long id)
    {
        final String[] outputKeys = id % 3 == 0 ? null : id % 3 == 1
            ? new String[] {String.format("%064x", 1_000_000 + id), String.format("%064x", 2_000_000 + id)}
            : new String[] {"out-" + id, "DEADBEEF" + id};
        return new TraceOutcome(id, 512, 64, 128, id % 3 == 0 ? "timed_out" : "completed", 2, 90_000_000L + id,
            12_000_000L, 500_000_000L, (int)(id % 4), id == 5, outputKeys);
    }

    @Test
    void roundTripsHeaderArrivalsAndOutcomesInAppendOrder() throws Exception
    {
        try (TraceRecorder rec = TraceRecorder.open(dir))
        {
            rec.writeHeader(HEADER);
            for (long id = 0; id < 100; id++)
            {
                rec.append(arrival(id));
                rec.append(outcome(id));
            }
        }
        final List<Object> seen = new ArrayList<>();
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThat(trace.header()).isEqualTo(HEADER);
            trace.read(visitor(seen));
            assertThat(trace.arrivals()).hasSize(100).element(7).isEqualTo(arrival(7));
            assertThat(trace.outcomes()).hasSize(100).element(5).isEqualTo(outcome(5));
            assertThat(trace.outcomes().get(4).outputKeys()).containsExactly(outcome(4).outputKeys());
            assertThat(trace.outcomes().get(4).outputKeys()[0]).hasSize(64);
            assertThat(trace.outcomes().get(3).outputKeys()).isEmpty();
        }
        for (int id = 0; id < 100; id++)
        {
            assertThat(seen.get(2 * id)).isEqualTo(arrival(id));
            assertThat(seen.get(2 * id + 1)).isEqualTo(outcome(id));
        }
    }

    @Test
    void rollsHourlyAndReadsAcrossCycleFiles() throws Exception
    {
        final AtomicLong clock = new AtomicLong(1_767_225_600_000L);
        try (TraceRecorder rec = TraceRecorder.open(dir, clock::get))
        {
            rec.writeHeader(HEADER);
            for (long id = 0; id < 30; id++)
            {
                rec.append(arrival(id));
                clock.addAndGet(id % 10 == 9 ? 3_600_000L : 1);
            }
        }
        assertThat(TraceQueues.cycleFiles(dir)).hasSize(3);
        for (final Path f : TraceQueues.cycleFiles(dir))
        {
            assertThat(TraceQueues.whole(Files.size(f))).as(f + " length").isTrue();
        }
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThat(trace.arrivals()).extracting(TraceArrival::requestId).containsExactly(
                java.util.stream.LongStream.range(0, 30).boxed().toArray(Long[]::new));
        }
    }

    @Test
    void appendsToAnExistingTraceButKeepsItsOneHeader() throws Exception
    {
        try (TraceRecorder rec = TraceRecorder.open(dir))
        {
            rec.writeHeader(HEADER);
            rec.append(arrival(0));
        }
        try (TraceRecorder rec = TraceRecorder.open(dir))
        {
            assertThatThrownBy(() -> rec.writeHeader(HEADER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holds documents");
            rec.append(outcome(0));
        }
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThat(trace.arrivals()).containsExactly(arrival(0));
            assertThat(trace.outcomes()).containsExactly(outcome(0));
        }
    }

    @Test
    void appendsFromSeveralThreadsLandWhole() throws Exception
    {
        try (TraceRecorder rec = TraceRecorder.open(dir))
        {
            rec.writeHeader(HEADER);
            final Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++)
            {
                final int base = t * 1000;
                threads[t] = new Thread(() ->
                {
                    for (int i = 0; i < 500; i++)
                    {
                        rec.append(arrival(base + i));
                        rec.append(outcome(base + i));
                    }
                });
                threads[t].start();
            }
            for (final Thread t : threads)
            {
                t.join();
            }
        }
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThat(trace.arrivals()).hasSize(2000).allSatisfy(a -> assertThat(a).isEqualTo(
                arrival(a.requestId())));
            assertThat(trace.outcomes()).hasSize(2000);
        }
    }

    @Test
    void aCutFileStopsWithOneLineNamingItAndTheLastGoodIndex() throws Exception
    {
        writeArrivals(4000);
        final Path file = TraceQueues.cycleFiles(dir).get(0);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            f.setLength(200_000);
        }
        final List<Object> seen = new ArrayList<>();
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThatThrownBy(() -> trace.read(visitor(seen)))
                .isInstanceOfSatisfying(TraceCorruptException.class, e ->
                {
                    assertThat(e.getMessage()).doesNotContain("\n").contains(file.toString())
                        .contains("cut short").contains("last good index 0x");
                    assertThat(e.lastGoodIndex() & 0xFFFF_FFFFL).isEqualTo(seen.size());
                });
        }
        assertThat(seen).isNotEmpty().hasSizeLessThan(4000);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(arrival(seen.size() - 1));
        assertThat(Files.size(file)).as("input only read").isEqualTo(200_000);
    }

    @Test
    void aCorruptDocumentStopsWithOneLineNamingTheFileAndTheLastGoodIndex() throws Exception
    {
        writeArrivals(1000);
        final Path file = TraceQueues.cycleFiles(dir).get(0);
        // page keys are stored as their digest bytes
        final byte[] key = HexFormat.of().parseHex(String.format("%064x", 501 * 31 + 1));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            final byte[] head = new byte[1 << 20];
            f.readFully(head);
            final int at = indexOf(head, key);
            assertThat(at).isPositive();
            f.seek(at + 5);
            f.write('x');
        }
        final List<Object> seen = new ArrayList<>();
        try (RecordedTrace trace = RecordedTrace.open(dir))
        {
            assertThatThrownBy(() -> trace.read(visitor(seen)))
                .isInstanceOfSatisfying(TraceCorruptException.class, e ->
                {
                    assertThat(e.getMessage()).doesNotContain("\n").contains(file.toString())
                        .contains("checksum").contains("last good index 0x");
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.lastGoodIndex() & 0xFFFF_FFFFL).isEqualTo(501);
                });
        }
        assertThat(seen).hasSize(501);
    }

    @Test
    void anEmptyDirectoryIsNotATrace() throws Exception
    {
        assertThatThrownBy(() -> RecordedTrace.open(dir)).isInstanceOf(java.nio.file.NoSuchFileException.class)
            .hasMessageContaining("not a recorded trace");
    }

    private void writeArrivals(final int n) throws Exception
    {
        try (TraceRecorder rec = TraceRecorder.open(dir))
        {
            rec.writeHeader(HEADER);
            for (long id = 0; id < n; id++)
            {
                rec.append(arrival(id));
            }
        }
    }

    static TraceVisitor visitor(final List<Object> seen)
    {
        return new TraceVisitor()
        {
            @Override
            public void arrival(final TraceArrival a)
            {
                seen.add(a);
            }

            @Override
            public void outcome(final TraceOutcome o)
            {
                seen.add(o);
            }
        };
    }

    private static int indexOf(final byte[] hay, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (hay[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
