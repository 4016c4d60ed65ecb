package dev.kvtier.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a command's output file goes. A regular file (or a new one) is written beside itself and renamed over
 * the target, so an interrupted run never leaves a half-written report; the temporary file is created like any
 * other output (its mode follows the umask) and removed on every failure path. Anything that is not a regular
 * file — a FIFO, a device such as {@code /dev/null}, a symbolic link to one — is written into, never replaced; a
 * link to a regular file replaces the file it points to and stays a link. A directory is refused, and {@code -}
 * means standard output.
 */
final class OutputFile
{
    /** The name that means standard output. */
    static final String STDOUT = "-";

    /** What a command writes. */
    @FunctionalInterface
    interface Body
    {
        void writeTo(OutputStream out) throws IOException;
    }

    /** What a command writes as text (UTF-8). */
    @FunctionalInterface
    interface TextBody
    {
        void writeTo(Writer out) throws IOException;
    }

    private OutputFile()
    {
    }

    /** True when {@code target} names standard output. */
    static boolean isStdout(final Path target)
    {
        return target == null || STDOUT.equals(target.toString());
    }

    /** Writes one file of an output directory ({@code --out DIR}). */
    static void write(final Path target, final byte[] bytes) throws IOException
    {
        write(target, bytes, "--out");
    }

    static void write(final Path target, final byte[] bytes, final String option) throws IOException
    {
        write(target, out -> out.write(bytes), option);
    }

    /** Writes text to {@code target}, or to {@code stdout} when the target is {@code -} (or absent). */
    static void writeText(final Path target, final TextBody body, final Writer stdout, final String option)
        throws IOException
    {
        if (isStdout(target))
        {
            body.writeTo(stdout);
            stdout.flush();
            return;
        }
        write(target, out ->
        {
            final Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            body.writeTo(w);
            w.flush();
        }, option);
    }

    static void write(final Path target, final Body body, final String option) throws IOException
    {
        try
        {
            place(target, body, option);
        }
        catch (final FileSystemException e)
        {
            throw e;
        }
        catch (final IOException e)
        {
            throw new FileSystemException(target.toString(), null, e.getMessage());
        }
    }

    /**
     * Refuses, before a run, an output file path that names a directory (or nothing), so a long run never ends in a
     * refused write.
     */
    static void checkFile(final Path target, final String option)
    {
        if (target == null || isStdout(target))
        {
            return;
        }
        if (target.toString().isEmpty())
        {
            throw new BadInputException(option + ": an empty path; give a file path (or - for standard output)");
        }
        if (Files.isDirectory(target))
        {
            throw new BadInputException(option + ": '" + target + "' is a directory; give a file path");
        }
    }

    /** Refuses, before a run, an output directory path that names a file (or nothing). */
    static void checkDirectory(final Path dir, final String option)
    {
        if (dir == null)
        {
            return;
        }
        if (dir.toString().isEmpty())
        {
            throw new BadInputException(option + ": an empty path; give a directory");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new BadInputException(option + ": '" + dir + "' exists and is not a directory; give a directory");
        }
    }

    private static void place(final Path target, final Body body, final String option) throws IOException
    {
        checkFile(target, option);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS))
        {
            if (Files.isSymbolicLink(target) && Files.isRegularFile(target))
            {
                replace(target.toRealPath(), body);
                return;
            }
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))
            {
                body.writeTo(out);
            }
            return;
        }
        replace(target, body);
    }

    private static void replace(final Path target, final Body body) throws IOException
    {
        final Path parent = target.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        final Path tmp = createSibling(target);
        boolean moved = false;
        try
        {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE))
            {
                body.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        }
        finally
        {
            if (!moved)
            {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Creates the output directory {@code dir} (and its parents), refusing a path that names something else. */
    static Path directory(final Path dir, final String option) throws IOException
    {
        checkDirectory(dir, option);
        return Files.createDirectories(dir);
    }

    /** A new empty file beside {@code target}, created without explicit permissions so the umask applies. */
    private static Path createSibling(final Path target) throws IOException
    {
        final Path abs = target.toAbsolutePath();
        for (int attempt = 0; ; attempt++)
        {
            final Path tmp = abs.resolveSibling("." + abs.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try
            {
                return Files.createFile(tmp);
            }
            catch (final FileAlreadyExistsException e)
            {
                if (attempt > 100)
                {
                    throw e;
                }
            }
        }
    }
}
