package dev.kvtier.cli;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The launcher's logging: every event on one line of standard error, {@code DATE TIME LEVEL LOGGER: MESSAGE}
 * ({@code 2026-01-01 10:00:00.123 WARNING dev.kvtier.live.runtime.ErrorHandler: ...}), followed by a stack trace
 * only when the event carries an exception; the level is chosen with {@code --log-level}. The JDK's default format
 * spends two lines on every event.
 */
final class LogSetup
{
    /** {@link java.util.logging.SimpleFormatter}'s pattern for the line above. */
    static final String FORMAT = "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

    private LogSetup()
    {
    }

    /** Sets the one-line format; must run before the first logger is made. */
    static void format()
    {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null)
        {
            System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
        }
    }

    /**
     * Makes {@link LogConfig} the logging configuration unless one was given on the command line (no effect once
     * logging has started).
     */
    static void configureOnFirstUse()
    {
        if (System.getProperty("java.util.logging.config.class") == null
            && System.getProperty("java.util.logging.config.file") == null)
        {
            System.setProperty("java.util.logging.config.class", LogConfig.class.getName());
        }
    }

    /** Parses a {@code --log-level} value: error, warn, info, debug, trace or off. */
    static Level parse(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            case "off" -> Level.OFF;
            default -> throw new BadInputException("--log-level: '" + name + "' is not a level; use error, warn, "
                + "info, debug, trace or off");
        };
    }

    /** Applies a level to the root logger and its handlers (the console handler stops at INFO otherwise). */
    static void level(final Level level)
    {
        final Logger root = Logger.getLogger("");
        root.setLevel(level);
        for (final Handler h : root.getHandlers())
        {
            h.setLevel(level);
        }
    }
}
