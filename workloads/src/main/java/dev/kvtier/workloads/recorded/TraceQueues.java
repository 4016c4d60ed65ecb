package dev.kvtier.workloads.recorded;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * How a recorded trace sits on Chronicle Queue, in one place for the writer and the reader: binary documents,
 * hourly cycle files ({@code yyyyMMdd-HH.cq4}, UTC), and a fixed block size so that the length of a whole cycle file
 * is known ({@value #BLOCK_SIZE_MIB} MiB blocks plus a quarter-block overlap). A file of another length was cut
 * short: Chronicle would map past its end (a fault when mapped read-only) or grow it with zeros (when mapped
 * read-write), so the reader checks lengths before mapping anything.
 */
final class TraceQueues
{
    static final int BLOCK_SIZE_MIB = 64;
    static final long BLOCK_SIZE = BLOCK_SIZE_MIB << 20;
    static final long OVERLAP = BLOCK_SIZE / 4;
    static final String SUFFIX = ".cq4";
    static final RollCycles ROLL_CYCLE = RollCycles.FAST_HOURLY;

    private TraceQueues()
    {
    }

    static SingleChronicleQueue forWriting(final Path dir, final LongSupplier epochMillis)
    {
        final SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir).rollCycle(ROLL_CYCLE)
            .blockSize(BLOCK_SIZE);
        if (epochMillis != null)
        {
            b.timeProvider(clock(epochMillis));
        }
        return b.build();
    }

    static SingleChronicleQueue forReading(final Path dir)
    {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(ROLL_CYCLE).blockSize(BLOCK_SIZE).readOnly(true)
            .build();
    }

    /** The cycle files in name (so time) order. */
    static List<Path> cycleFiles(final Path dir) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir))
        {
            s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(files::add);
        }
        return files;
    }

    /** Whether a cycle file has a length Chronicle gives whole files: overlap plus a whole number of blocks. */
    static boolean whole(final long length)
    {
        return length >= BLOCK_SIZE + OVERLAP && (length - OVERLAP) % BLOCK_SIZE == 0;
    }

    /** The length a cut file is padded to (with zeros, in a copy) so that it can be read up to the cut. */
    static long paddedLength(final long length)
    {
        return Math.max(1, (length - OVERLAP + BLOCK_SIZE - 1) / BLOCK_SIZE) * BLOCK_SIZE + OVERLAP;
    }

    private static TimeProvider clock(final LongSupplier epochMillis)
    {
        return epochMillis::getAsLong;
    }
}
