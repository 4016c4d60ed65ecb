package dev.kvtier.sim.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvtier.model.fuzz.AllocationBound;
import dev.kvtier.sim.cluster.ClusterLoader;

import java.util.Map;

/**
 * Fuzzes the cluster config loader on an arbitrary config file's JSON layered over the defaults, and on one
 * {@code --set path=value}: a config, or an {@link IllegalArgumentException} with a message; nothing else.
 */
public class ClusterConfigFuzzTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input (also the entry point of {@code bench/fuzz.sh}'s long runs). */
    public static void fuzzerTestOneInput(final FuzzedDataProvider data)
    {
        final String path = data.consumeString(64);
        final String value = data.consumeString(64);
        final String text = data.consumeRemainingAsString();
        run(path, value, text);
        final long before = AllocationBound.allocated();
        run(path, value, text);
        AllocationBound.check(before, (path.length() + value.length() + text.length()) * 4, 128 << 20);
    }

    /** Decodes one input; run twice, so the second run, measured, loads no classes. */
    private static void run(final String path, final String value, final String text)
    {
        try
        {
            final JsonNode layer = JSON.readTree(text);
            ClusterLoader.bind(ClusterLoader.tree(null, layer, path.isEmpty() ? Map.of() : Map.of(path, value)));
        }
        catch (final JsonProcessingException | IllegalArgumentException expected)
        {
            if (expected.getMessage() == null || expected.getMessage().isBlank())
            {
                throw new IllegalStateException("a config error without a message", expected);
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void clusterConfig(final FuzzedDataProvider data)
    {
        fuzzerTestOneInput(data);
    }
}
