package dev.kvtier.live.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Duration flags as the master accepts them: plain milliseconds, or a number with ms / s / m / h. */
public final class Durations
{
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?\\s*");

    private Durations()
    {
    }

    public static long parseMs(final String field, final String text)
    {
        final Matcher m = DURATION.matcher(text == null ? "" : text);
        if (!m.matches())
        {
            throw new IllegalArgumentException(field + ": cannot read duration '" + text
                + "'; use milliseconds or a number with ms, s, m or h (e.g. 10000, 10s)");
        }
        final double n = Double.parseDouble(m.group(1));
        final String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        final double factor = switch (unit)
        {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m", "min" -> 60_000;
            default -> 3_600_000;
        };
        return (long)(n * factor);
    }
}
