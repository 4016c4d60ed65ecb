package dev.kvtier.workloads.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kvtier.model.fuzz.AllocationBound;
import dev.kvtier.workloads.trace.MooncakeTraceReader;
import dev.kvtier.workloads.trace.TraceFormatException;

import java.io.StringReader;
import java.io.UncheckedIOException;

/**
 * Fuzzes the Mooncake JSONL trace reader on arbitrary text: it yields records or fails with its declared errors
 * ({@link TraceFormatException} naming the line, {@link UncheckedIOException} for JSON it cannot read), and
 * allocates in proportion to the input.
 */
public class MooncakeTraceFuzzTest
{
    /** One input (also the entry point of {@code bench/fuzz.sh}'s long runs). */
    public static void fuzzerTestOneInput(final FuzzedDataProvider data)
    {
        final String text = data.consumeRemainingAsString();
        run(text);
        final long before = AllocationBound.allocated();
        run(text);
        AllocationBound.check(before, text.length() * 4, 128 << 20);
    }

    /** Decodes one input; run twice, so the second run, measured, loads no classes. */
    private static void run(final String text)
    {
        try (MooncakeTraceReader r = new MooncakeTraceReader("fuzz", new StringReader(text)))
        {
            while (r.hasNext())
            {
                r.next();
            }
        }
        catch (final TraceFormatException | UncheckedIOException | java.io.IOException expected)
        {
            // the declared errors
        }
    }

    @FuzzTest(maxDuration = "5s")
    void mooncakeTrace(final FuzzedDataProvider data)
    {
        fuzzerTestOneInput(data);
    }
}
