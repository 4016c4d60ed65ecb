package dev.kvtier.workloads.recorded;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * A recording process that dies without closing anything: appends {@code n} arrival and outcome pairs, then
 * optionally starts one more document and halts while writing it. Run by {@link RecorderCrashTest} in a child JVM.
 */
public final class CrashingRecorder
{
    private CrashingRecorder()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final int n = Integer.parseInt(args[1]);
        final boolean midDocument = args.length > 2;
        final TraceRecorder rec = TraceRecorder.open(dir);
        rec.writeHeader(new TraceHeader(TraceHeader.ORIGIN_LIVE, "crash", 1, "kvtier test", "{}"));
        for (long id = 0; id < n; id++)
        {
            rec.append(RecordedTraceTest.arrival(id));
            rec.append(RecordedTraceTest.outcome(id));
        }
        if (midDocument)
        {
            final SingleChronicleQueue q = TraceQueues.forWriting(dir, null);
            final ExcerptAppender appender = q.createAppender();
            final DocumentContext dc = appender.writingDocument();
            dc.wire().bytes().write(new byte[] {'A', 1, 2, 3, 4, 5, 6, 7, 8});
            System.out.println("mid-document");
        }
        System.out.println("appended " + n);
        System.out.flush();
        Runtime.getRuntime().halt(3);
    }
}
