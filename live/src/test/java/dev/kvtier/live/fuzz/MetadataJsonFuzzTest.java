package dev.kvtier.live.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kvtier.live.client.SegmentDirectory;
import dev.kvtier.model.fuzz.AllocationBound;
import dev.kvtier.model.transfer.SegmentEndpoint;

import java.io.IOException;

/**
 * Fuzzes the reading of a segment's descriptors as the metadata service returns them (anyone who can write to it
 * chooses these bytes): an endpoint with a host and a valid port, or an {@link IOException}; nothing else.
 */
public class MetadataJsonFuzzTest
{
    /** One input (also the entry point of {@code bench/fuzz.sh}'s long runs). */
    public static void fuzzerTestOneInput(final FuzzedDataProvider data)
    {
        final String rpc = data.consumeString(512);
        final String ram = data.consumeRemainingAsString();
        run(rpc, ram);
        final long before = AllocationBound.allocated();
        run(rpc, ram);
        AllocationBound.check(before, (rpc.length() + ram.length()) * 4, 128 << 20);
    }

    /** Decodes one input; run twice, so the second run, measured, loads no classes. */
    private static void run(final String rpc, final String ram)
    {
        try
        {
            final SegmentEndpoint e = SegmentDirectory.endpointOf("seg", rpc, ram);
            if (e.host().isEmpty() || e.port() < 1 || e.port() > 65_535)
            {
                throw new IllegalStateException("accepted an endpoint without a usable address: " + e);
            }
        }
        catch (final IOException expected)
        {
            // the declared error
        }
    }

    @FuzzTest(maxDuration = "5s")
    void metadataJson(final FuzzedDataProvider data)
    {
        fuzzerTestOneInput(data);
    }
}
