package dev.kvtier.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cluster config's fields: every dotted path {@code defaults.json} holds, its default, and the range a run can
 * use. One place that {@code --help} lists, that a typo is matched against, and that checks every field before a
 * run starts, so a negative segment or a zero bandwidth is one line naming the field rather than a report with a
 * negative segment or an exception from a worker thread.
 */
public final class ClusterSchema
{
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE_CASE =
        new PropertyNamingStrategies.SnakeCaseStrategy();

    /**
     * One field: its path, its default as JSON text and the rule its value must satisfy (empty: any of its type);
     * {@code largest} is the largest whole number an integer field holds (its Java type's), 0 for any other field.
     */
    public record Field(String path, String defaultValue, String type, Range range, long largest)
    {
        /** Whether the field holds whole numbers only. */
        public boolean integral()
        {
            return largest > 0;
        }
    }

    /** A numeric range, inclusive or exclusive at each end; {@code allowed} is one extra value (−1: the default). */
    public record Range(double min, boolean minOpen, double max, boolean maxOpen, Double allowed)
    {
        boolean contains(final double v)
        {
            if (allowed != null && v == allowed)
            {
                return true;
            }
            final boolean aboveMin = minOpen ? v > min : v >= min;
            final boolean belowMax = maxOpen ? v < max : v <= max;
            return aboveMin && belowMax;
        }

        /** The rule in words: {@code > 0}, {@code in (0, 1]}, {@code >= 0 or -1}. */
        public String describe()
        {
            final String text;
            if (Double.isInfinite(max))
            {
                text = (minOpen ? "> " : ">= ") + number(min);
            }
            else
            {
                text = "in " + (minOpen ? "(" : "[") + number(min) + ", " + number(max) + (maxOpen ? ")" : "]");
            }
            return allowed == null ? text : text + " or " + number(allowed);
        }
    }

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Range POSITIVE = new Range(0, true, INF, false, null);
    private static final Range AT_LEAST_ONE = new Range(1, false, INF, false, null);
    private static final Range NON_NEGATIVE = new Range(0, false, INF, false, null);
    private static final Range FRACTION = new Range(0, true, 1, false, null);
    private static final Range SHARE = new Range(0, false, 1, false, null);
    /** Seconds in a day: the longest delay a field may add to a simulated time, far inside the clock's 292 years. */
    private static final double DAY_S = 86_400;

    /** Ranges by path; a numeric field not listed must be >= 0. */
    private static final Map<String, Range> RANGES = Map.ofEntries(
        Map.entry("nodes", AT_LEAST_ONE),
        Map.entry("gpus_per_node", AT_LEAST_ONE),
        Map.entry("tp", AT_LEAST_ONE),
        Map.entry("host_memory_gb", POSITIVE),
        Map.entry("nic.count", AT_LEAST_ONE),
        Map.entry("nic.gbps", POSITIVE),
        Map.entry("nic.latency_us", new Range(0, false, DAY_S * 1e6, false, -1.0)),
        Map.entry("serving.page_size", AT_LEAST_ONE),
        Map.entry("serving.mem_fraction_static", FRACTION),
        Map.entry("serving.chunked_prefill_size", AT_LEAST_ONE),
        Map.entry("serving.max_running_requests", AT_LEAST_ONE),
        Map.entry("serving.compute_time_scale", new Range(0, true, ClusterPlan.MAX_COMPUTE_TIME_SCALE, false, null)),
        // delays added to a simulated time as they are: at most a day, so that the sum cannot overflow the clock
        // (prefetch deadlines and leases saturate their sums, so a huge timeout or TTL stays "never")
        Map.entry("serving.request_overhead_ms", new Range(0, false, DAY_S * 1e3, false, null)),
        Map.entry("store.eviction_high_watermark_ratio", FRACTION),
        Map.entry("store.eviction_ratio", FRACTION),
        Map.entry("router.cache_threshold", SHARE));

    /** The values a text field takes, as help shows them ({@link ClusterPlan} checks them). */
    private static final Map<String, String> CHOICES = Map.of(
        "gpu", "A100|A800|H100|H800|H200|H20",
        "model", "llama-3-8b|llama-3-70b|qwen2.5-72b|deepseek-v3",
        "nic.protocol", "rdma|tcp",
        "serving.write_policy", "write_through|write_through_selective|write_back|boundary_l1_l2",
        "serving.prefetch_policy", "best_effort|wait_complete|timeout",
        "serving.eviction_policy", "lru|lfu|fifo",
        "disaggregation.mode", "none|pd",
        "router.policy", "round_robin|random|power_of_two|cache_aware|kv_aware",
        "router.decode_policy", "round_robin|random|power_of_two|cache_aware|kv_aware");

    private static final List<Field> FIELDS = collect();

    /** The sections' dotted paths ({@code nic}, {@code serving}, …). */
    private static final Set<String> SECTIONS = sections();

    private ClusterSchema()
    {
    }

    /** Every field, in {@code defaults.json}'s order. */
    public static List<Field> fields()
    {
        return FIELDS;
    }

    /**
     * Checks a merged config tree: every key known, every section an object, and every field of its type (whole
     * numbers for integer fields, within their Java type) and in its range.
     *
     * @throws ConfigFieldException for the first key or field that is not
     */
    public static void validate(final ObjectNode tree)
    {
        requireKnownKeys(tree, "");
        for (final Field f : FIELDS)
        {
            final JsonNode v = tree.at("/" + f.path().replace('.', '/'));
            if (v.isMissingNode())
            {
                continue;
            }
            final String problem = typeProblem(f, v);
            if (problem != null)
            {
                throw new ConfigFieldException(f.path(), v.isNumber() ? number(v.asDouble()) : v.toString(), problem);
            }
            if (f.range() != null && !f.range().contains(v.asDouble()))
            {
                throw new ConfigFieldException(f.path(), number(v.asDouble()), "must be " + f.range().describe()
                    + " (default " + f.defaultValue() + ")");
            }
        }
    }

    /** What is wrong with a value's type for its field, or null. */
    private static String typeProblem(final Field f, final JsonNode v)
    {
        if (f.range() != null)
        {
            if (!v.isNumber())
            {
                return "expected a number (default " + f.defaultValue() + ")";
            }
            final double d = v.asDouble();
            if (Double.isNaN(d) || Double.isInfinite(d))
            {
                return "must be a finite number (default " + f.defaultValue() + ")";
            }
            if (f.integral() && d != Math.rint(d))
            {
                return "must be a whole number (default " + f.defaultValue() + ")";
            }
            // negative values are the range's to refuse; the largest long is 2^63 - 1, which a double rounds up
            if (f.integral() && d >= (f.largest() == Long.MAX_VALUE ? 0x1p63 : f.largest() + 1.0))
            {
                return "must be at most " + f.largest() + " (default " + f.defaultValue() + ")";
            }
            return null;
        }
        if ("boolean".equals(f.type()))
        {
            return v.isBoolean() ? null : "expected true or false (default " + f.defaultValue() + ")";
        }
        return v.isTextual() || v.isNumber() ? null : "expected a string (default " + f.defaultValue() + ")";
    }

    /** Refuses a key no field or section of the defaults has, and a section given as anything but an object. */
    private static void requireKnownKeys(final JsonNode node, final String prefix)
    {
        final Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> e = it.next();
            final String path = prefix + e.getKey();
            if (SECTIONS.contains(path))
            {
                if (!e.getValue().isObject())
                {
                    throw new ConfigFieldException(path, e.getValue().toString(), "is a section; give an object of "
                        + "its fields, e.g. {\"" + firstFieldOf(path) + "\": ...}");
                }
                requireKnownKeys(e.getValue(), path + ".");
            }
            else if (!"name".equals(path) && FIELDS.stream().noneMatch(f -> f.path().equals(path)))
            {
                throw new ConfigFieldException(path, null, "unknown field '" + path + "'; " + suggestion(path));
            }
        }
    }

    /** Whether a dotted path names a section (an object of fields), such as {@code serving}. */
    public static boolean isSection(final String path)
    {
        return SECTIONS.contains(path);
    }

    /** The first field of a section, for an example in a message. */
    public static String firstFieldOf(final String section)
    {
        for (final Field f : FIELDS)
        {
            if (f.path().startsWith(section + "."))
            {
                return f.path().substring(section.length() + 1);
            }
        }
        return "";
    }

    /** The known field closest to a mistyped path, or null when none is close. */
    public static String nearest(final String path)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final Field f : FIELDS)
        {
            final String leaf = f.path().substring(f.path().lastIndexOf('.') + 1);
            final int d = Math.min(distance(path, f.path()), distance(path, leaf) + 1);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = f.path();
            }
        }
        return bestDistance <= Math.max(2, path.length() / 3) ? best : null;
    }

    /** "did you mean …?" text for a mistyped path, or a pointer to the list. */
    public static String suggestion(final String path)
    {
        final String near = nearest(path);
        return near == null ? "see 'kvtier sim --help' for the fields" : "did you mean '" + near + "'?";
    }

    /** The fields as help text: one line each, {@code path  default  rule}. */
    public static String helpText()
    {
        int width = 0;
        for (final Field f : FIELDS)
        {
            width = Math.max(width, f.path().length());
        }
        final StringBuilder sb = new StringBuilder();
        for (final Field f : FIELDS)
        {
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %s, default %s%s%n", f.path(), f.type(),
                f.defaultValue(), f.range() == null ? "" : ", " + f.range().describe()));
        }
        return sb.toString();
    }

    private static List<Field> collect()
    {
        final List<Field> out = new ArrayList<>();
        walk(ClusterLoader.tree(null, Map.of()), "", integerFields(), out);
        return List.copyOf(out);
    }

    /** The config records' integer fields, by snake_case path as the loader names them, with their largest value. */
    static Map<String, Long> integerFields()
    {
        final Map<String, Long> largest = new LinkedHashMap<>();
        integerFields(ClusterConfig.class, "", largest);
        return largest;
    }

    private static Set<String> sections()
    {
        final Set<String> out = new HashSet<>();
        for (final Field f : FIELDS)
        {
            for (int dot = f.path().indexOf('.'); dot >= 0; dot = f.path().indexOf('.', dot + 1))
            {
                out.add(f.path().substring(0, dot));
            }
        }
        return Set.copyOf(out);
    }

    private static void integerFields(final Class<?> type, final String prefix, final Map<String, Long> out)
    {
        for (final RecordComponent c : type.getRecordComponents())
        {
            // the loader's own naming (ClusterLoader's mapper is SNAKE_CASE), so that the two cannot disagree
            final String path = prefix + SNAKE_CASE.translate(c.getName());
            if (c.getType() == int.class)
            {
                out.put(path, (long)Integer.MAX_VALUE);
            }
            else if (c.getType() == long.class)
            {
                out.put(path, Long.MAX_VALUE);
            }
            else if (c.getType().isRecord())
            {
                integerFields(c.getType(), path + ".", out);
            }
        }
    }

    private static void walk(final JsonNode node, final String prefix, final Map<String, Long> largest,
        final List<Field> out)
    {
        final Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        final Map<String, JsonNode> fields = new LinkedHashMap<>();
        it.forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        for (final Map.Entry<String, JsonNode> e : fields.entrySet())
        {
            final String path = prefix + e.getKey();
            final JsonNode v = e.getValue();
            if (v.isObject())
            {
                walk(v, path + ".", largest, out);
            }
            else if (!"name".equals(path))
            {
                final String type = v.isNumber() ? (largest.containsKey(path) ? "integer" : "number")
                    : v.isBoolean() ? "boolean"
                    : CHOICES.getOrDefault(path, "text");
                final Range range = v.isNumber() ? RANGES.getOrDefault(path, NON_NEGATIVE) : null;
                out.add(new Field(path, v.isTextual() ? v.asText() : v.toString(), type, range,
                    largest.getOrDefault(path, 0L)));
            }
        }
    }

    private static String number(final double v)
    {
        // whole numbers as integers while a long holds them exactly; 1e300 stays 1.0E300, not Long.MAX_VALUE
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long)v) : Double.toString(v);
    }

    private static int distance(final String a, final String b)
    {
        final int[] prev = new int[b.length() + 1];
        final int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            System.arraycopy(cur, 0, prev, 0, cur.length);
        }
        return prev[b.length()];
    }
}
