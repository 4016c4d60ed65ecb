package dev.kvtier.sim.sweep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One variant of a serving sweep: a label and the config overrides that define it.
 *
 * @param label     {@code leaf=value} for each varied field, space separated ({@code prefetch_policy=timeout})
 * @param overrides config paths and their values, in the order the fields were varied
 */
public record ServingVariant(String label, Map<String, String> overrides)
{
    /** The most variants one sweep may hold: each is a whole simulation, and this many already take days. */
    public static final long MAX_VARIANTS = 100_000;

    /**
     * Cartesian product of {@code path=a,b,c} specifications, in the order given: the last specification varies
     * fastest.
     *
     * @throws IllegalArgumentException for a specification that is not {@code PATH=VALUE1,VALUE2,...}
     */
    public static List<ServingVariant> product(final List<String> specs)
    {
        List<ServingVariant> out = List.of(new ServingVariant("", new LinkedHashMap<>()));
        final Set<String> paths = new HashSet<>();
        long size = 1;
        for (final String spec : specs)
        {
            final int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1)
            {
                throw new IllegalArgumentException("--vary " + spec + ": expected PATH=VALUE1,VALUE2,... e.g. "
                    + "serving.prefetch_policy=best_effort,wait_complete,timeout");
            }
            final String path = spec.substring(0, eq);
            if (!paths.add(path))
            {
                throw new IllegalArgumentException("--vary " + path + ": given twice; give all its values in one "
                    + "--vary " + path + "=V1,V2,...");
            }
            final List<String> values = List.of(spec.substring(eq + 1).split(",", -1));
            for (int i = 0; i < values.size(); i++)
            {
                if (values.get(i).isEmpty() || values.indexOf(values.get(i)) != i)
                {
                    throw new IllegalArgumentException("--vary " + spec + ": " + (values.get(i).isEmpty()
                        ? "an empty value" : "'" + values.get(i) + "' given twice") + "; give each value once");
                }
            }
            size *= values.size();
            if (size > MAX_VARIANTS)
            {
                throw new IllegalArgumentException("--vary: the product of the lists is more than " + MAX_VARIANTS
                    + " variants; vary fewer fields or values");
            }
            final List<ServingVariant> next = new ArrayList<>();
            for (final ServingVariant v : out)
            {
                for (final String value : values)
                {
                    final Map<String, String> o = new LinkedHashMap<>(v.overrides());
                    o.put(path, value);
                    final String leaf = path.substring(path.lastIndexOf('.') + 1);
                    next.add(new ServingVariant(v.label().isEmpty() ? leaf + "=" + value
                        : v.label() + " " + leaf + "=" + value, o));
                }
            }
            out = next;
        }
        return out;
    }
}
