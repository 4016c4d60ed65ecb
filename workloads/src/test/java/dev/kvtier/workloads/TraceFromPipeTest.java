package dev.kvtier.workloads;

import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A trace given as a pipe ({@code --trace <(zcat t.gz)}, a FIFO, /dev/stdin) cannot seek: the reader must take it as
 * it takes a file, plain or gzip, through a real FIFO made with {@code mkfifo} and written by another thread.
 */
class TraceFromPipeTest
{
    private static final String TRACE =
        "{\"timestamp\": 0, \"input_length\": 700, \"output_length\": 5, \"hash_ids\": [0, 1]}\n"
            + "{\"timestamp\": 3000, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [0]}\n";

    @Test
    void aPlainTraceReadsThroughAFifo(@TempDir final Path dir) throws Exception
    {
        assertThat(readThroughFifo(dir, TRACE.getBytes(StandardCharsets.UTF_8))).containsExactly(
            new TraceRecord(0, 700, 5, new long[] {0, 1}), new TraceRecord(3000, 512, 1, new long[] {0}));
    }

    @Test
    void aGzipTraceReadsThroughAFifo(@TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes))
        {
            gz.write(TRACE.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(readThroughFifo(dir, bytes.toByteArray())).hasSize(2);
    }

    private static List<TraceRecord> readThroughFifo(final Path dir, final byte[] content) throws Exception
    {
        final Path fifo = dir.resolve("trace.fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available here");
        // opening a FIFO for writing blocks until the reader opens it: the writer has a thread of its own
        final CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
        {
            try (OutputStream out = Files.newOutputStream(fifo))
            {
                out.write(content);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException(e);
            }
        });
        final List<TraceRecord> out = new ArrayList<>();
        try (MooncakeTraceReader reader = MooncakeTraceReader.open(fifo))
        {
            reader.forEachRemaining(out::add);
        }
        writer.get(30, TimeUnit.SECONDS);
        return out;
    }

    private static boolean mkfifo(final Path path)
    {
        try
        {
            final Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(path);
        }
        catch (final IOException e)
        {
            return false;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
