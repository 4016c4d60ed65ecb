package dev.kvtier.cli;

import dev.kvtier.workloads.recorded.TraceHeader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the commands that write a recorded trace share: the directory must be new or empty (a trace has one header
 * and one run), checked before any work so a long run never ends in a refused write; and the versions line of
 * its header.
 */
final class TraceDirs
{
    private TraceDirs()
    {
    }

    static void requireEmpty(final Path dir, final String option) throws IOException
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new BadInputException(option + ": '" + dir + "' is a file; give a new or empty directory");
        }
        if (Files.isDirectory(dir))
        {
            try (Stream<Path> s = Files.list(dir))
            {
                if (s.findAny().isPresent())
                {
                    throw new BadInputException(option + ": '" + dir + "' is not empty; give a new or empty "
                        + "directory (a recorded trace holds one run)");
                }
            }
        }
    }

    static String versions()
    {
        return new VersionProvider().getVersion()[0] + "; trace layout " + TraceHeader.LAYOUT;
    }
}
