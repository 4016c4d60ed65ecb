package dev.kvtier.workloads;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates the published Mooncake traces beside the project checkout; tests that need them skip where absent. */
public final class SharedTraces
{
    private SharedTraces()
    {
    }

    public static Path require(final String name)
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            final Path candidate = dir.resolveSibling("shared").resolve("traces").resolve(name);
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
            dir = dir.getParent();
        }
        assumeTrue(false, "trace " + name + " not found in ../shared/traces; skipping");
        return null;
    }
}
