package dev.kvtier.live.client;

/**
 * An I/O failure as one line that says what happened: many JDK exceptions carry no message (a connect timeout,
 * a refused connection on some paths, a closed channel), so their type — and their cause's — is the message.
 */
final class IoErrors
{
    private IoErrors()
    {
    }

    /** "type: message", then the cause the same way, never "null". */
    static String describe(final Throwable e)
    {
        final StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause())
        {
            if (depth > 0)
            {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null)
            {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }
}
