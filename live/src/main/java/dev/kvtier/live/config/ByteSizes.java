package dev.kvtier.live.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human-readable sizes as the reference's configs write them ("4gb", "512mb", "16 MiB", "3355443200"), all
 * 1024-based, so a store.json written for Mooncake reads the same here.
 */
public final class ByteSizes
{
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

    private ByteSizes()
    {
    }

    /**
     * @param field the config field or flag, named in the error
     * @throws IllegalArgumentException with a one-line message naming {@code field} and the accepted forms
     */
    public static long parse(final String field, final String text)
    {
        final Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches())
        {
            throw new IllegalArgumentException(field + ": cannot read size '" + text
                + "'; use bytes or a number with b/kb/mb/gb/tb (e.g. 4gb, 512mb)");
        }
        final double n = Double.parseDouble(m.group(1));
        final long unit = switch (m.group(2).toLowerCase(Locale.ROOT))
        {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException(field + ": unknown size unit '" + m.group(2)
                + "' in '" + text + "'; use b, kb, mb, gb or tb");
        };
        return (long)(n * unit);
    }

    /** "1.5 GiB"-style rendering for logs. */
    public static String format(final long bytes)
    {
        if (bytes >= 1L << 30)
        {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double)(1L << 30));
        }
        if (bytes >= 1L << 20)
        {
            return String.format(Locale.ROOT, "%.2f MiB", bytes / (double)(1L << 20));
        }
        return bytes + " B";
    }
}
