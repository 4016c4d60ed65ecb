package dev.kvtier.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes an output file through a temporary sibling, so an interrupted run never leaves a half-written report. */
final class AtomicFiles
{
    private AtomicFiles()
    {
    }

    static void write(final Path target, final byte[] bytes) throws IOException
    {
        final Path dir = target.toAbsolutePath().getParent();
        final Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try
        {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally
        {
            Files.deleteIfExists(tmp);
        }
    }
}
