package dev.kvtier.sim.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One variant of a serving sweep: a label and the config overrides that define it.
 *
 * @param label     {@code leaf=value} for each varied field, space separated ({@code prefetch_policy=timeout})
 * @param overrides config paths and their values, in the order the fields were varied
 */
public record ServingVariant(String label, Map<String, String> overrides)
{
    /**
     * Cartesian product of {@code path=a,b,c} specifications, in the order given: the last specification varies
     * fastest.
     *
     * @throws IllegalArgumentException for a specification that is not {@code PATH=VALUE1,VALUE2,...}
     */
    public static List<ServingVariant> product(final List<String> specs)
    {
        List<ServingVariant> out = List.of(new ServingVariant("", new LinkedHashMap<>()));
        for (final String spec : specs)
        {
            final int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1)
            {
                throw new IllegalArgumentException("--vary " + spec + ": expected PATH=VALUE1,VALUE2,... e.g. "
                    + "serving.prefetch_policy=best_effort,wait_complete,timeout");
            }
            final String path = spec.substring(0, eq);
            final List<ServingVariant> next = new ArrayList<>();
            for (final ServingVariant v : out)
            {
                for (final String value : spec.substring(eq + 1).split(","))
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
