package dev.kvtier.cli;

/** Input the user can fix: the message names the flag or field and the fix, and becomes exit code 2. */
public final class BadInputException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public BadInputException(final String message)
    {
        super(message);
    }
}
