package dev.kvtier.live.config;

/**
 * The rule of a port a live server listens on, one wording for every command's flags: 0..65535, where 0 lets the
 * system pick a free one (as the tests and a quick start do), and for an optional listener -1 for none.
 */
public final class ListenPorts
{
    private ListenPorts()
    {
    }

    /** Refuses a port outside 0..65535, naming {@code flag}. */
    public static void require(final String flag, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException(flag + ": must be in 0..65535 (0 picks a free one), got " + port);
        }
    }

    /** As {@link #require}, also taking -1: the listener is not started. */
    public static void requireOrNone(final String flag, final int port)
    {
        if (port < -1 || port > 65535)
        {
            throw new IllegalArgumentException(flag + ": must be in 0..65535 (0 picks a free one) or -1 (none), got "
                + port);
        }
    }
}
