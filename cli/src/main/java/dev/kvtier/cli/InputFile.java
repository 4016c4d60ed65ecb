package dev.kvtier.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file a command reads, checked before it is opened so that a wrong path says what is wrong with it (missing, a
 * directory, not readable) and how to fix it, as one line and exit code 2 rather than an I/O error with no reason.
 */
final class InputFile
{
    private InputFile()
    {
    }

    /**
     * Returns {@code path} when it is a readable regular file; otherwise throws a {@link BadInputException} naming
     * {@code option}, the path, what is wrong and {@code fix}.
     */
    static Path require(final Path path, final String option, final String fix)
    {
        final String problem;
        if (Files.isDirectory(path))
        {
            problem = "is a directory";
        }
        else if (!Files.exists(path))
        {
            problem = "no such file";
        }
        else if (!Files.isReadable(path))
        {
            problem = "permission denied";
        }
        else
        {
            return path;
        }
        throw new BadInputException(option + ": " + problem + ": '" + path + "'; " + fix);
    }
}
