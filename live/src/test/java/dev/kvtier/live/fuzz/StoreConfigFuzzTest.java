package dev.kvtier.live.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kvtier.live.config.StoreConfig;

import dev.kvtier.model.fuzz.AllocationBound;
import java.util.Map;

/**
 * Fuzzes the store config loader on arbitrary store.json text: it gives a config or one
 * {@link IllegalArgumentException} line naming the field, and allocates in proportion to the input.
 */
public class StoreConfigFuzzTest
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
        try
        {
            StoreConfig.parse(text, "store.json", Map.of());
        }
        catch (final IllegalArgumentException expected)
        {
            if (expected.getMessage() == null || expected.getMessage().isBlank())
            {
                throw new IllegalStateException("a config error without a message", expected);
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void storeConfig(final FuzzedDataProvider data)
    {
        fuzzerTestOneInput(data);
    }
}
