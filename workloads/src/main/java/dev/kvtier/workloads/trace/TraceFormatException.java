package dev.kvtier.workloads.trace;

/**
 * A trace line that cannot be replayed. The message names the source, the line, the field and the fix, so the
 * command line can print it as one line and exit without a stack trace.
 */
public final class TraceFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String field;

    public TraceFormatException(final String source, final long line, final String field, final String problem)
    {
        super(source + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ") + problem);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    public String source()
    {
        return source;
    }

    public long line()
    {
        return line;
    }

    /** The offending field, or null when the line as a whole is wrong. */
    public String field()
    {
        return field;
    }
}
