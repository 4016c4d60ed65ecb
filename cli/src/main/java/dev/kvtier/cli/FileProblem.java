package dev.kvtier.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A file-system failure said in words: the JDK's exceptions carry the path but often no reason ({@code
 * AccessDeniedException: out.json}), so the one line a user sees names both, and whether they can fix it.
 */
final class FileProblem
{
    private FileProblem()
    {
    }

    /** "FILE: reason; fix" for the exception. */
    static String describe(final FileSystemException e)
    {
        final String file = e.getFile();
        final String reason;
        if (e instanceof NoSuchFileException)
        {
            // a reason is what the thrower knew (a directory that is there but holds no recorded trace)
            reason = e.getReason() != null ? e.getReason() : "no such file or directory; check the path";
        }
        else if (e instanceof AccessDeniedException)
        {
            reason = "permission denied; check the file's and its directory's permissions";
        }
        else if (e instanceof FileAlreadyExistsException)
        {
            reason = "already exists and is not what was expected; give another path";
        }
        else if (e instanceof NotDirectoryException)
        {
            reason = "is not a directory";
        }
        else if (e instanceof DirectoryNotEmptyException)
        {
            reason = "is a directory that is not empty";
        }
        else
        {
            reason = e.getReason() == null ? "I/O error" : e.getReason();
        }
        return (file == null ? "" : file + ": ") + reason
            + (e.getOtherFile() == null ? "" : " (and " + e.getOtherFile() + ")");
    }

    /** True when the path given is what is wrong (exit 2), not the machine (a full disk, a failed device). */
    static boolean isInputError(final FileSystemException e)
    {
        return e instanceof NoSuchFileException || e instanceof AccessDeniedException
            || e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
            || e instanceof DirectoryNotEmptyException
            || e.getReason() != null && e.getReason().contains("Is a directory");
    }
}
