package dev.kvtier.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory a command made for its own scratch work (a chaos run's logs, a trace import before it is moved into
 * place), deleted whole, deepest first, when the command no longer needs it.
 */
final class DirectoryTree
{
    private DirectoryTree()
    {
    }

    static void delete(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
